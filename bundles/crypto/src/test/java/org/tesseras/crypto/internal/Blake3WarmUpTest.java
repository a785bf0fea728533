package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;

/** {@link Blake3WarmUp} through {@link Blake3Hasher}: real lanes stay in use, lanes that miscompute are dropped. */
class Blake3WarmUpTest {
    private static final long FOUR_MIB = 4L << 20;

    @Test
    void lanesThatAgreeWithTheScalarCodeStayInUse() throws InterruptedException {
        Blake3Hasher hasher = new Blake3Hasher(Blake3Variant.VECTOR::lanes);
        Blake3WarmUp warmUp = hasher.startWarmUp(FOUR_MIB);
        assertEquals(Blake3WarmUp.Outcome.AGREED, warmUp.awaitOutcome());
        assertTrue(hasher.usesLanes());
        hasher.deactivate();
    }

    @Test
    void lanesThatDisagreeAreDroppedAndHashesStayRight() throws InterruptedException {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        ContentHash right = Blake3.newHash(null).update(data, 0, data.length).finish();
        Blake3Hasher hasher = new Blake3Hasher(WrongLanes::new);
        assertFalse(right.equals(hasher.hash(data)), "the planted fault must show before the warm-up");

        Blake3WarmUp warmUp = hasher.startWarmUp(FOUR_MIB);
        assertEquals(Blake3WarmUp.Outcome.DIFFERED, warmUp.awaitOutcome());
        assertFalse(hasher.usesLanes());
        assertEquals(right, hasher.hash(data));
        assertEquals(right, hasher.newHash().update(data, 0, data.length).finish());
        hasher.deactivate();
    }

    @Test
    void deactivateStopsTheWarmUpAndItsThread() throws InterruptedException {
        CountDownLatch warming = new CountDownLatch(1);
        Blake3Hasher hasher = new Blake3Hasher(() -> {
            if (Thread.currentThread().getName().equals(Blake3WarmUp.THREAD_NAME)) {
                // hold the warm-up in its first message until it is told to stop
                warming.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Blake3VectorLanes();
        });
        Blake3WarmUp warmUp = hasher.startWarmUp(Long.MAX_VALUE);
        warming.await();
        hasher.deactivate();
        assertEquals(Blake3WarmUp.Outcome.STOPPED, warmUp.outcome());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                t -> t.getName().equals(Blake3WarmUp.THREAD_NAME) && t.isAlive()));
        assertTrue(hasher.usesLanes());
    }

    /** Real vector lanes with one bit of every subtree's chaining value flipped: a miscompiled JIT, planted. */
    private static final class WrongLanes implements Blake3Lanes {
        private final Blake3Lanes real = new Blake3VectorLanes();

        @Override
        public int lanes() {
            return real.lanes();
        }

        @Override
        public void chunkCvs(byte[] input, int offset, int count, long counter, int[] keyWords, int modeFlags,
                int[] cvs) {
            real.chunkCvs(input, offset, count, counter, keyWords, modeFlags, cvs);
            cvs[0] ^= 1;
        }

        @Override
        public void subtreeCv(byte[] input, int offset, long counter, int[] keyWords, int modeFlags, int[] cv) {
            real.subtreeCv(input, offset, counter, keyWords, modeFlags, cv);
            cv[0] ^= 1;
        }
    }
}
