package org.tesseras.storage.s3.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.contract.FragmentStoreContract;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.crypto.internal.Blake3Hasher;

/**
 * The fragment store contract on a real S3 server (S3Proxy on 127.0.0.1), a fresh bucket per test, and what only
 * the S3 store does: a reindex of the bucket while the node goes on storing into it.
 */
class S3FragmentStoreContractTest extends FragmentStoreContract {
    private static S3TestServer server;

    private final ContractData data = new ContractData(new Blake3Hasher(), 7);
    private S3Objects objects;
    private S3FragmentStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void open() throws Exception {
        objects = new S3Objects(S3Settings.from(server.config()));
        store = new S3FragmentStore(objects, data.hasher(), 0);
    }

    @AfterEach
    void close() {
        objects.close();
    }

    @Override
    protected int largeFragmentBytes() {
        // more than two 5 MiB parts: the fragment goes up as a multipart upload
        return 11 << 20;
    }

    @Override
    protected FragmentStore store() {
        return store;
    }

    @Override
    protected ContractData data() {
        return data;
    }

    // ---- S3 only ----

    @Test
    void aFragmentStoredAfterTheReindexListedTheBucketIsNotMarkedLost() throws Exception {
        ContractData.Stripe stripe = data.stripe();
        store.saveManifest(stripe.manifest());
        store.store(stripe.id(0), new ByteArrayInputStream(stripe.shards().get(0)), Optional.empty());
        Object lock = store.lock(stripe.hash());
        AtomicReference<Thread> reindexer = new AtomicReference<>();
        ExecutorService reindexing = Executors.newSingleThreadExecutor();
        try {
            Future<ReindexReport> report;
            synchronized (lock) {
                report = reindexing.submit(() -> {
                    reindexer.set(Thread.currentThread());
                    return store.reindex();
                });
                // the reindex has listed the bucket and waits for this tessera's lock: fragment 1 arrives now
                awaitBlockedOn(reindexer, lock);
                store.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)), Optional.empty());
            }
            assertEquals(0, report.get(30, TimeUnit.SECONDS).markedLost(), "nothing was lost");
            assertTrue(store.find(stripe.hash(), 1).isPresent(), "fragment 1 is still held");
            assertEquals(0, store.lostFragments().size());
        } finally {
            reindexing.shutdownNow();
        }
    }

    @Test
    void aHeldFragmentThatRottedIsReplacedByTheCheckedCopyStoredAgainAndKeptInQuarantine() throws Exception {
        ContractData.Stripe stripe = data.stripe();
        store.saveManifest(stripe.manifest());
        store.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)), Optional.empty());
        String key = objects.key(S3Layout.shard(stripe.hash(), 1));
        byte[] rotten = objects.getBytes(key).orElseThrow();
        rotten[300] ^= 0x04;
        objects.put(key, rotten, rotten.length, Map.of());

        store.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)), Optional.empty());
        assertArrayEquals(stripe.shards().get(1), objects.getBytes(key).orElseThrow(), "the good bytes in place");
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 1));
        assertEquals(1, store.quarantined().size(), "the rotten copy is kept, not deleted");
        assertTrue(store.quarantined().get(0).reason().contains("no longer hashes to its checksum"),
                store.quarantined().get(0).reason());
        assertTrue(store.find(stripe.hash(), 1).isPresent());
    }

    @Test
    void sizeHeldAndAnOpenedFragmentTellTheLengthOfTheObjectNotTheOneItsRowRecorded() throws Exception {
        // a holder checks it before serving a fragment: it used to open the object (a GET begun and aborted) and
        // was told the recorded length, so a short object went out and failed at the peer
        ContractData.Stripe stripe = data.stripe();
        store.saveManifest(stripe.manifest());
        store.store(stripe.id(2), new ByteArrayInputStream(stripe.shards().get(2)), Optional.empty());
        String key = objects.key(S3Layout.shard(stripe.hash(), 2));
        byte[] bytes = stripe.shards().get(2);
        objects.put(key, java.util.Arrays.copyOf(bytes, bytes.length - 100), bytes.length - 100, Map.of());
        assertEquals(OptionalLong.of(bytes.length - 100), store.sizeHeld(stripe.hash(), 2));
        try (SeekableByteChannel opened = store.open(stripe.hash(), 2).orElseThrow()) {
            assertEquals(bytes.length - 100, opened.size(), "an opened fragment tells the same length");
        }

        objects.delete(key);
        assertEquals(OptionalLong.empty(), store.sizeHeld(stripe.hash(), 2));
        assertTrue(store.find(stripe.hash(), 2).isEmpty(), "no longer held");
        assertEquals(1, store.lostFragments().size(), "marked lost");
    }

    @Test
    void aFragmentStoredAgainWhileItsMissingObjectWasLookedUpIsNotMarkedLost() throws Exception {
        // a peer's fetch finds the object gone (404), and before it marks the fragment lost, the owner stores a good
        // copy again: the new copy is held, not taken for lost
        ContractData.Stripe stripe = data.stripe();
        store.saveManifest(stripe.manifest());
        store.store(stripe.id(3), new ByteArrayInputStream(stripe.shards().get(3)), Optional.empty());
        objects.delete(objects.key(S3Layout.shard(stripe.hash(), 3)));
        Object lock = store.lock(stripe.hash());
        AtomicReference<Thread> asker = new AtomicReference<>();
        ExecutorService asking = Executors.newSingleThreadExecutor();
        try {
            Future<OptionalLong> size;
            synchronized (lock) {
                size = asking.submit(() -> {
                    asker.set(Thread.currentThread());
                    return store.sizeHeld(stripe.hash(), 3);
                });
                // the HEAD found nothing and the asker waits for the tessera's lock to mark it lost: stored again now
                awaitBlockedOn(asker, lock);
                store.store(stripe.id(3), new ByteArrayInputStream(stripe.shards().get(3)), Optional.empty());
            }
            assertEquals(OptionalLong.empty(), size.get(30, TimeUnit.SECONDS), "it was not there when asked");
            assertTrue(store.find(stripe.hash(), 3).isPresent(), "the copy stored again is held");
            assertEquals(0, store.lostFragments().size(), "and not marked lost");
            assertEquals(OptionalLong.of(stripe.plan().shardSize()), store.sizeHeld(stripe.hash(), 3));
        } finally {
            asking.shutdownNow();
        }
    }

    @Test
    void aResponseWithoutALengthIsAFailureNotAGuess() {
        IOException failure = assertThrows(IOException.class, () -> S3Objects.length((Long) null, "some/key"));
        assertTrue(failure.getMessage().contains("some/key"), failure.getMessage());
    }

    private static void awaitBlockedOn(AtomicReference<Thread> thread, Object lock) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Thread waiting = thread.get();
            if (waiting != null) {
                ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(waiting.getId());
                if (info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null
                        && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(lock)) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the reindex never waited for the tessera's lock");
    }
}
