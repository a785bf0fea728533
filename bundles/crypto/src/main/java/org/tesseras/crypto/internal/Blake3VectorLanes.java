package org.tesseras.crypto.internal;

import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BLAKE3 chunks side by side with the JDK Vector API: one chunk per lane of an {@code IntVector}, so each vector
 * holds the same state or message word of every chunk and G runs on all chunks at once. A batch of chunks is
 * merged into its subtree in the lanes as well. The only class that touches {@code jdk.incubator.vector}; loaded
 * through {@link Blake3Implementation}, which checks that the module is there.
 */
final class Blake3VectorLanes implements Blake3Lanes {
    /** 512 or 256 bits from {@code tesseras.blake3.vectorBits}, else the CPU's preferred width. */
    private static final VectorSpecies<Integer> SPECIES = species(System.getProperty("tesseras.blake3.vectorBits"));
    private static final int LANES = SPECIES.length();
    private static final int BLOCKS_PER_CHUNK = 16;
    private static final int CHUNK_WORDS = 256;
    private static final int BLOCK_LENGTH = 64;
    /** Where each lane's chunk starts in {@link #words}: the index map of the gathers that transpose a block. */
    private static final int[] CHUNK_STARTS = new int[LANES];
    /** The message words each round takes, in G order, times {@link #LANES}: offsets into {@link #message}. */
    private static final int[][] SCHEDULE = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
        {3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
        {10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
        {12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
        {9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
        {11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
    };

    static {
        for (int lane = 0; lane < LANES; lane++) {
            CHUNK_STARTS[lane] = lane * CHUNK_WORDS;
        }
        for (int[] round : SCHEDULE) {
            for (int i = 0; i < round.length; i++) {
                round[i] *= LANES;
            }
        }
    }

    // scratch, word-major (word w of lane j at w * LANES + j), allocated at the first batch
    /** The chunks' words, chunk after chunk, little-endian decoded. */
    private int[] words;
    /** The transposed message block being compressed. */
    private int[] message;
    /** The sixteen state words while compressing. */
    private int[] state;
    /** The chaining values. */
    private int[] cvs;
    private int[] counterLow;
    private int[] counterHigh;

    /** Chunks hashed side by side by this JVM: 16 with 512-bit vectors, 8 with 256-bit ones. */
    static int laneCount() {
        return LANES;
    }

    static String vectorShape() {
        return SPECIES.vectorBitSize() + "-bit";
    }

    private static VectorSpecies<Integer> species(String bits) {
        if ("256".equals(bits)) {
            return IntVector.SPECIES_256;
        }
        if ("512".equals(bits)) {
            return IntVector.SPECIES_512;
        }
        return IntVector.SPECIES_PREFERRED;
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void chunkCvs(byte[] input, int offset, int count, long counter, int[] keyWords, int modeFlags,
            int[] cvsOut) {
        hashChunks(input, offset, count, counter, keyWords, modeFlags);
        for (int lane = 0; lane < count; lane++) {
            for (int w = 0; w < 8; w++) {
                cvsOut[8 * lane + w] = cvs[w * LANES + lane];
            }
        }
    }

    @Override
    public void subtreeCv(byte[] input, int offset, long counter, int[] keyWords, int modeFlags, int[] cvOut) {
        hashChunks(input, offset, LANES, counter, keyWords, modeFlags);
        Arrays.fill(counterLow, 0);
        Arrays.fill(counterHigh, 0);
        for (int parents = LANES / 2; parents >= 1; parents /= 2) {
            // parent i of this level: the chaining values of children 2i and 2i + 1 as its message
            for (int i = 0; i < parents; i++) {
                for (int w = 0; w < 8; w++) {
                    message[w * LANES + i] = cvs[w * LANES + 2 * i];
                    message[(w + 8) * LANES + i] = cvs[w * LANES + 2 * i + 1];
                }
            }
            loadCvs(keyWords);
            compress(modeFlags | Blake3.PARENT);
        }
        for (int w = 0; w < 8; w++) {
            cvOut[w] = cvs[w * LANES];
        }
    }

    /** Leaves the chaining values of {@code count} chunks in {@link #cvs}, lanes {@code count} and up undefined. */
    private void hashChunks(byte[] input, int offset, int count, long counter, int[] keyWords, int modeFlags) {
        if (words == null) {
            words = new int[LANES * CHUNK_WORDS];
            message = new int[16 * LANES];
            state = new int[16 * LANES];
            cvs = new int[8 * LANES];
            counterLow = new int[LANES];
            counterHigh = new int[LANES];
        }
        int byteCount = count * CHUNK_WORDS * 4;
        Objects.checkFromIndexSize(offset, byteCount, input.length);
        for (int i = 0; i < byteCount; i += 4 * LANES) {
            IntVector.fromByteArray(SPECIES, input, offset + i, ByteOrder.LITTLE_ENDIAN).intoArray(words, i / 4);
        }
        for (int lane = 0; lane < LANES; lane++) {
            counterLow[lane] = (int) (counter + lane);
            counterHigh[lane] = (int) ((counter + lane) >>> 32);
        }
        loadCvs(keyWords);
        for (int block = 0; block < BLOCKS_PER_CHUNK; block++) {
            for (int w = 0; w < 16; w++) {
                IntVector.fromArray(SPECIES, words, block * 16 + w, CHUNK_STARTS, 0).intoArray(message, w * LANES);
            }
            int flags = modeFlags | (block == 0 ? Blake3.CHUNK_START : 0)
                    | (block == BLOCKS_PER_CHUNK - 1 ? Blake3.CHUNK_END : 0);
            compress(flags);
        }
    }

    private void loadCvs(int[] keyWords) {
        for (int w = 0; w < 8; w++) {
            IntVector.broadcast(SPECIES, keyWords[w]).intoArray(cvs, w * LANES);
        }
    }

    /** Compresses {@link #message} into {@link #cvs}, a full block in every lane. */
    private void compress(int flags) {
        int[] s = state;
        for (int w = 0; w < 8; w++) {
            IntVector.fromArray(SPECIES, cvs, w * LANES).intoArray(s, w * LANES);
            IntVector.broadcast(SPECIES, Blake3Compression.IV[w]).intoArray(s, (w + 8) * LANES);
        }
        IntVector.fromArray(SPECIES, counterLow, 0).intoArray(s, 12 * LANES);
        IntVector.fromArray(SPECIES, counterHigh, 0).intoArray(s, 13 * LANES);
        IntVector.broadcast(SPECIES, BLOCK_LENGTH).intoArray(s, 14 * LANES);
        IntVector.broadcast(SPECIES, flags).intoArray(s, 15 * LANES);
        for (int[] round : SCHEDULE) {
            round(round);
        }
        for (int w = 0; w < 8; w++) {
            IntVector.fromArray(SPECIES, s, w * LANES).lanewise(XOR, IntVector.fromArray(SPECIES, s, (w + 8) * LANES))
                    .intoArray(cvs, w * LANES);
        }
    }

    /**
     * One round: G on the four columns, then on the four diagonals, in lockstep; the state is read from and
     * written back to {@link #state}, so no vector lives across calls or loop iterations.
     */
    private void round(int[] schedule) {
        int[] s = state;
        int[] m = message;
        IntVector v0 = IntVector.fromArray(SPECIES, s, 0);
        IntVector v1 = IntVector.fromArray(SPECIES, s, LANES);
        IntVector v2 = IntVector.fromArray(SPECIES, s, 2 * LANES);
        IntVector v3 = IntVector.fromArray(SPECIES, s, 3 * LANES);
        IntVector v4 = IntVector.fromArray(SPECIES, s, 4 * LANES);
        IntVector v5 = IntVector.fromArray(SPECIES, s, 5 * LANES);
        IntVector v6 = IntVector.fromArray(SPECIES, s, 6 * LANES);
        IntVector v7 = IntVector.fromArray(SPECIES, s, 7 * LANES);
        IntVector v8 = IntVector.fromArray(SPECIES, s, 8 * LANES);
        IntVector v9 = IntVector.fromArray(SPECIES, s, 9 * LANES);
        IntVector v10 = IntVector.fromArray(SPECIES, s, 10 * LANES);
        IntVector v11 = IntVector.fromArray(SPECIES, s, 11 * LANES);
        IntVector v12 = IntVector.fromArray(SPECIES, s, 12 * LANES);
        IntVector v13 = IntVector.fromArray(SPECIES, s, 13 * LANES);
        IntVector v14 = IntVector.fromArray(SPECIES, s, 14 * LANES);
        IntVector v15 = IntVector.fromArray(SPECIES, s, 15 * LANES);
        IntVector m0 = IntVector.fromArray(SPECIES, m, schedule[0]);
        IntVector m1 = IntVector.fromArray(SPECIES, m, schedule[1]);
        IntVector m2 = IntVector.fromArray(SPECIES, m, schedule[2]);
        IntVector m3 = IntVector.fromArray(SPECIES, m, schedule[3]);
        IntVector m4 = IntVector.fromArray(SPECIES, m, schedule[4]);
        IntVector m5 = IntVector.fromArray(SPECIES, m, schedule[5]);
        IntVector m6 = IntVector.fromArray(SPECIES, m, schedule[6]);
        IntVector m7 = IntVector.fromArray(SPECIES, m, schedule[7]);
        IntVector m8 = IntVector.fromArray(SPECIES, m, schedule[8]);
        IntVector m9 = IntVector.fromArray(SPECIES, m, schedule[9]);
        IntVector m10 = IntVector.fromArray(SPECIES, m, schedule[10]);
        IntVector m11 = IntVector.fromArray(SPECIES, m, schedule[11]);
        IntVector m12 = IntVector.fromArray(SPECIES, m, schedule[12]);
        IntVector m13 = IntVector.fromArray(SPECIES, m, schedule[13]);
        IntVector m14 = IntVector.fromArray(SPECIES, m, schedule[14]);
        IntVector m15 = IntVector.fromArray(SPECIES, m, schedule[15]);
        // columns
        v0 = v0.add(v4).add(m0); v1 = v1.add(v5).add(m2);
        v2 = v2.add(v6).add(m4); v3 = v3.add(v7).add(m6);
        v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v8 = v8.add(v12); v9 = v9.add(v13); v10 = v10.add(v14); v11 = v11.add(v15);
        v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m1); v1 = v1.add(v5).add(m3);
        v2 = v2.add(v6).add(m5); v3 = v3.add(v7).add(m7);
        v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v8 = v8.add(v12); v9 = v9.add(v13); v10 = v10.add(v14); v11 = v11.add(v15);
        v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        // diagonals
        v0 = v0.add(v5).add(m8); v1 = v1.add(v6).add(m10);
        v2 = v2.add(v7).add(m12); v3 = v3.add(v4).add(m14);
        v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v10 = v10.add(v15); v11 = v11.add(v12); v8 = v8.add(v13); v9 = v9.add(v14);
        v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m9); v1 = v1.add(v6).add(m11);
        v2 = v2.add(v7).add(m13); v3 = v3.add(v4).add(m15);
        v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v10 = v10.add(v15); v11 = v11.add(v12); v8 = v8.add(v13); v9 = v9.add(v14);
        v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        v0.intoArray(s, 0);
        v1.intoArray(s, LANES);
        v2.intoArray(s, 2 * LANES);
        v3.intoArray(s, 3 * LANES);
        v4.intoArray(s, 4 * LANES);
        v5.intoArray(s, 5 * LANES);
        v6.intoArray(s, 6 * LANES);
        v7.intoArray(s, 7 * LANES);
        v8.intoArray(s, 8 * LANES);
        v9.intoArray(s, 9 * LANES);
        v10.intoArray(s, 10 * LANES);
        v11.intoArray(s, 11 * LANES);
        v12.intoArray(s, 12 * LANES);
        v13.intoArray(s, 13 * LANES);
        v14.intoArray(s, 14 * LANES);
        v15.intoArray(s, 15 * LANES);
    }
}
