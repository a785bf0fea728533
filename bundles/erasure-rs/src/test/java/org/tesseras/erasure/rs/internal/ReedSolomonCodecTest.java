package org.tesseras.erasure.rs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReedSolomonCodecTest {
    private static final int[] ODD_LENGTHS = {1, 7, 4097};
    private static final int[] OFFSETS = {0, 3};
    private static ExecutorService workers;
    private static ReedSolomonCodec single;
    private static ReedSolomonCodec parallel;

    @BeforeAll
    static void start() {
        workers = Executors.newFixedThreadPool(3);
        single = new ReedSolomonCodec(null, 1, ReedSolomonErasureCoder.CACHE_SLICE_BYTES);
        parallel = new ReedSolomonCodec(workers, 4, ReedSolomonErasureCoder.CACHE_SLICE_BYTES);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        workers.shutdown();
        assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Parity computed the slow, obvious way: one field multiplication per byte and coefficient. */
    static void referenceParity(int k, int m, byte[][] shards, int offset, int length) {
        GfMatrix encoding = GfMatrix.systematicEncoding(k, m);
        for (int p = 0; p < m; p++) {
            for (int j = offset; j < offset + length; j++) {
                int sum = 0;
                for (int c = 0; c < k; c++) {
                    sum ^= GaloisField.multiply(encoding.get(k + p, c), shards[c][j] & 0xFF);
                }
                shards[k + p][j] = (byte) sum;
            }
        }
    }

    static byte[][] randomStripe(Random random, int k, int m, int shardLength) {
        byte[][] shards = new byte[k + m][shardLength];
        for (int i = 0; i < k + m; i++) {
            random.nextBytes(shards[i]);
        }
        return shards;
    }

    static byte[][] copy(byte[][] shards) {
        byte[][] copy = new byte[shards.length][];
        for (int i = 0; i < shards.length; i++) {
            copy[i] = shards[i].clone();
        }
        return copy;
    }

    @Test
    void parityMatchesTheReferenceForOddLengthsAndOffsets() {
        Random random = new Random(42);
        int[][] geometries = {{1, 1}, {1, 5}, {3, 2}, {4, 2}, {5, 7}, {16, 8}, {17, 3}, {48, 24}, {200, 56}};
        for (int[] g : geometries) {
            for (int length : ODD_LENGTHS) {
                for (int offset : OFFSETS) {
                    byte[][] shards = randomStripe(random, g[0], g[1], offset + length + 5);
                    byte[][] expected = copy(shards);
                    referenceParity(g[0], g[1], expected, offset, length);
                    single.encodeParity(g[0], g[1], shards, offset, length);
                    for (int i = 0; i < shards.length; i++) {
                        assertArrayEquals(expected[i], shards[i], "shard " + i + " of " + g[0] + "+" + g[1]
                                + " length " + length + " offset " + offset + " (bytes outside the range too)");
                    }
                    assertTrue(single.isParityCorrect(g[0], g[1], shards, offset, length));
                }
            }
        }
    }

    @Test
    void everyLossOfUpToTwoShardsOf4Plus2IsRepaired() {
        Random random = new Random(7);
        for (int length : ODD_LENGTHS) {
            for (int offset : OFFSETS) {
                byte[][] original = randomStripe(random, 4, 2, offset + length);
                single.encodeParity(4, 2, original, offset, length);
                int patterns = 0;
                for (int first = 0; first < 6; first++) {
                    for (int second = first; second < 6; second++) {
                        boolean[] present = new boolean[6];
                        Arrays.fill(present, true);
                        present[first] = false;
                        present[second] = false;
                        assertRepaired(single, 4, 2, original, present, offset, length);
                        patterns++;
                    }
                }
                assertEquals(6 + 15, patterns);
            }
        }
    }

    @Test
    void randomLossesOfExactlyParityShardsAreRepaired() {
        Random random = new Random(20261126);
        int[][] geometries = {{16, 8}, {48, 24}};
        for (int[] g : geometries) {
            int k = g[0];
            int m = g[1];
            for (int round = 0; round < 12; round++) {
                int length = ODD_LENGTHS[round % ODD_LENGTHS.length];
                int offset = OFFSETS[round % OFFSETS.length];
                byte[][] original = randomStripe(random, k, m, offset + length);
                single.encodeParity(k, m, original, offset, length);
                List<Integer> indices = new ArrayList<>();
                for (int i = 0; i < k + m; i++) {
                    indices.add(i);
                }
                Collections.shuffle(indices, random);
                boolean[] present = new boolean[k + m];
                Arrays.fill(present, true);
                for (int i = 0; i < m; i++) {
                    present[indices.get(i)] = false;
                }
                assertRepaired(round % 2 == 0 ? single : parallel, k, m, original, present, offset, length);
            }
        }
    }

    private static void assertRepaired(ReedSolomonCodec codec, int k, int m, byte[][] original, boolean[] present,
            int offset, int length) {
        byte[][] damaged = copy(original);
        for (int i = 0; i < present.length; i++) {
            if (!present[i]) {
                Arrays.fill(damaged[i], offset, offset + length, (byte) 0xEE);
            }
        }
        codec.decodeMissing(k, m, damaged, present, offset, length);
        for (int i = 0; i < original.length; i++) {
            assertArrayEquals(original[i], damaged[i], "shard " + i + " of " + k + "+" + m + ", present "
                    + Arrays.toString(present) + ", length " + length + ", offset " + offset);
        }
    }

    @Test
    void onlyTheWantedShardsAreRebuilt() {
        Random random = new Random(3);
        byte[][] original = randomStripe(random, 16, 8, 999);
        single.encodeParity(16, 8, original, 0, 999);
        byte[][] damaged = copy(original);
        boolean[] present = new boolean[24];
        Arrays.fill(present, true);
        present[2] = false;
        present[20] = false;
        damaged[2] = null;
        damaged[20] = new byte[999];
        BitSet wanted = new BitSet();
        wanted.set(2);
        single.rebuild(16, 8, damaged, present, wanted, 0, 999);
        assertArrayEquals(original[2], damaged[2]);
        assertArrayEquals(new byte[999], damaged[20], "parity shard 20 was not asked for");
    }

    @Test
    void oneShardTooManyMissingIsRefusedWithCounts() {
        byte[][] shards = new byte[24][64];
        boolean[] present = new boolean[24];
        Arrays.fill(present, true);
        for (int i = 0; i < 9; i++) {
            present[i * 2] = false;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> single.decodeMissing(16, 8, shards, present, 0, 64));
        assertTrue(e.getMessage().contains("15 shards present, 16 needed"), e.getMessage());
    }

    @Test
    void parityCheckSeesOneFlippedBitInsideTheRangeOnly() {
        Random random = new Random(11);
        byte[][] shards = randomStripe(random, 16, 8, 200_000);
        single.encodeParity(16, 8, shards, 10, 150_000);
        assertTrue(single.isParityCorrect(16, 8, shards, 10, 150_000));
        shards[19][180_000] ^= 1;
        assertTrue(single.isParityCorrect(16, 8, shards, 10, 150_000), "byte outside the range");
        shards[19][140_000] ^= 1;
        assertFalse(single.isParityCorrect(16, 8, shards, 10, 150_000));
        assertFalse(parallel.isParityCorrect(16, 8, shards, 10, 150_000));
    }

    @Test
    void splittingOverThreadsGivesTheSameBytes() {
        Random random = new Random(5);
        int length = (1 << 20) + 13;
        byte[][] a = randomStripe(random, 48, 24, length + 1);
        byte[][] b = copy(a);
        single.encodeParity(48, 24, a, 1, length);
        parallel.encodeParity(48, 24, b, 1, length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "shard " + i);
        }
        boolean[] present = new boolean[72];
        Arrays.fill(present, true);
        for (int i = 0; i < 24; i++) {
            present[i * 3] = false;
            Arrays.fill(b[i * 3], 1, 1 + length, (byte) 0);
        }
        parallel.decodeMissing(48, 24, b, present, 1, length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "shard " + i + " after decoding");
        }
    }

    @Test
    void aNullMissingShardIsAllocated() {
        byte[][] shards = randomStripe(new Random(1), 4, 2, 10);
        single.encodeParity(4, 2, shards, 0, 10);
        byte[] lost = shards[1];
        shards[1] = null;
        boolean[] present = {true, false, true, true, true, true};
        single.decodeMissing(4, 2, shards, present, 0, 10);
        assertNotNull(shards[1]);
        assertArrayEquals(lost, shards[1]);
    }

    @Test
    void decodeProgramsAreCachedAndBounded() {
        ReedSolomonCodec codec = new ReedSolomonCodec(null, 1, 4096);
        Random random = new Random(9);
        byte[][] shards = randomStripe(random, 16, 8, 16);
        codec.encodeParity(16, 8, shards, 0, 16);
        boolean[] present = new boolean[24];
        for (int i = 0; i < 100; i++) {
            Arrays.fill(present, true);
            present[i % 24] = false;
            present[(i / 24 + i % 24 + 1) % 24] = false;
            codec.decodeMissing(16, 8, shards, present, 0, 16);
        }
        assertTrue(codec.cachedPrograms() <= 64, "cache holds " + codec.cachedPrograms());
        assertTrue(codec.cachedPrograms() >= 24, "cache holds " + codec.cachedPrograms());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> single.encodeParity(200, 57, new byte[257][1], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> single.encodeParity(4, 2, new byte[5][1], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> single.encodeParity(4, 2, new byte[6][10], 5, 6));
        assertThrows(IllegalArgumentException.class, () -> single.encodeParity(4, 2, new byte[6][10], -1, 2));
        assertThrows(IllegalArgumentException.class, () -> single.decodeMissing(4, 2, new byte[6][10],
                new boolean[5], 0, 10));
    }
}
