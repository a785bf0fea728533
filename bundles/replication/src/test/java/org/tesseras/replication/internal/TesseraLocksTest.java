package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.crypto.internal.Blake3Hasher;

/** One put or repair per tessera: background work passes over a busy tessera, an operator's work waits. */
class TesseraLocksTest {
    final Blake3Hasher hasher = new Blake3Hasher();
    final ContentHash album = hasher.hash("album".getBytes());
    final ContentHash letters = hasher.hash("letters".getBytes());
    final TesseraLocks locks = new TesseraLocks();

    @Test
    void backgroundWorkPassesOverATesseraBeingPutButNotOverAnother() throws Exception {
        CountDownLatch putting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> put = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.exclusively(album, () -> {
                    putting.countDown();
                    await(release);
                    return "placed";
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertTrue(putting.await(10, TimeUnit.SECONDS));

        AtomicBoolean ran = new AtomicBoolean();
        assertEquals(Optional.empty(), locks.ifFree(album, () -> ran.getAndSet(true)));
        assertFalse(ran.get(), "a repair of the tessera being put did not run");
        assertEquals(Optional.of("repaired"), locks.ifFree(letters, () -> "repaired"));

        release.countDown();
        assertEquals("placed", put.get(10, TimeUnit.SECONDS));
        assertEquals(Optional.of("repaired"), locks.ifFree(album, () -> "repaired"), "free once the put ended");
        assertEquals(0, locks.busy(), "no lock is kept for a tessera nobody works on");
    }

    @Test
    void anOperatorsRepairWaitsForTheRunningOneInsteadOfRunningBesideIt() throws Exception {
        CountDownLatch repairing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean overlapping = new AtomicBoolean();
        AtomicBoolean inside = new AtomicBoolean();
        TesseraLocks.Work<String> repair = () -> {
            if (inside.getAndSet(true)) {
                overlapping.set(true);
            }
            repairing.countDown();
            await(release);
            inside.set(false);
            return "repaired";
        };
        CompletableFuture<Optional<String>> round = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.ifFree(album, repair);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertTrue(repairing.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> operator = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.exclusively(album, repair);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(operator.isDone(), "the operator's repair waits");
        release.countDown();
        assertEquals(Optional.of("repaired"), round.get(10, TimeUnit.SECONDS));
        assertEquals("repaired", operator.get(10, TimeUnit.SECONDS));
        assertFalse(overlapping.get(), "two repairs of one tessera overlapped");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
