package org.tesseras.crypto.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The BLAKE3 compression function, one block at a time, written for the JIT. */
final class Blake3Compression {
    /** The initialisation vector (that of SHA-256). */
    static final int[] IV = {
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    };

    private static final VarHandle LITTLE_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Blake3Compression() {
    }

    /**
     * The compression function: seven rounds over the 64-byte block at {@code offset}, the message
     * permutation resolved into fixed word indices per round, all in locals; writes the first eight output
     * words, the new chaining value, to {@code cvOut} (which may be {@code cvIn}). Each round runs G on the
     * four columns then the four diagonals, the four independent G interleaved step by step, and adds the
     * message word before the freshly computed {@code b}, which keeps one add off the dependency chain.
     */
    static void compress(int[] cvIn, int[] cvOut, byte[] message, int offset, long counter,
            int blockLength, int flags) {
        int m0 = (int) LITTLE_ENDIAN_INT.get(message, offset);
        int m1 = (int) LITTLE_ENDIAN_INT.get(message, offset + 4);
        int m2 = (int) LITTLE_ENDIAN_INT.get(message, offset + 8);
        int m3 = (int) LITTLE_ENDIAN_INT.get(message, offset + 12);
        int m4 = (int) LITTLE_ENDIAN_INT.get(message, offset + 16);
        int m5 = (int) LITTLE_ENDIAN_INT.get(message, offset + 20);
        int m6 = (int) LITTLE_ENDIAN_INT.get(message, offset + 24);
        int m7 = (int) LITTLE_ENDIAN_INT.get(message, offset + 28);
        int m8 = (int) LITTLE_ENDIAN_INT.get(message, offset + 32);
        int m9 = (int) LITTLE_ENDIAN_INT.get(message, offset + 36);
        int m10 = (int) LITTLE_ENDIAN_INT.get(message, offset + 40);
        int m11 = (int) LITTLE_ENDIAN_INT.get(message, offset + 44);
        int m12 = (int) LITTLE_ENDIAN_INT.get(message, offset + 48);
        int m13 = (int) LITTLE_ENDIAN_INT.get(message, offset + 52);
        int m14 = (int) LITTLE_ENDIAN_INT.get(message, offset + 56);
        int m15 = (int) LITTLE_ENDIAN_INT.get(message, offset + 60);
        int v0 = cvIn[0];
        int v1 = cvIn[1];
        int v2 = cvIn[2];
        int v3 = cvIn[3];
        int v4 = cvIn[4];
        int v5 = cvIn[5];
        int v6 = cvIn[6];
        int v7 = cvIn[7];
        // from the array, not as constants: C2 would carry "+ IV" out of every later sum as an extra add
        int[] iv = IV;
        int v8 = iv[0];
        int v9 = iv[1];
        int v10 = iv[2];
        int v11 = iv[3];
        int v12 = (int) counter;
        int v13 = (int) (counter >>> 32);
        int v14 = blockLength;
        int v15 = flags;

        // round 1, message words in the order 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        // columns
        v0 = v0 + m0 + v4; v1 = v1 + m2 + v5;
        v2 = v2 + m4 + v6; v3 = v3 + m6 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m1 + v4; v1 = v1 + m3 + v5;
        v2 = v2 + m5 + v6; v3 = v3 + m7 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m8 + v5; v1 = v1 + m10 + v6;
        v2 = v2 + m12 + v7; v3 = v3 + m14 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m9 + v5; v1 = v1 + m11 + v6;
        v2 = v2 + m13 + v7; v3 = v3 + m15 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        // round 2, message words in the order 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8
        // columns
        v0 = v0 + m2 + v4; v1 = v1 + m3 + v5;
        v2 = v2 + m7 + v6; v3 = v3 + m4 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m6 + v4; v1 = v1 + m10 + v5;
        v2 = v2 + m0 + v6; v3 = v3 + m13 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m1 + v5; v1 = v1 + m12 + v6;
        v2 = v2 + m9 + v7; v3 = v3 + m15 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m11 + v5; v1 = v1 + m5 + v6;
        v2 = v2 + m14 + v7; v3 = v3 + m8 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        // round 3, message words in the order 3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1
        // columns
        v0 = v0 + m3 + v4; v1 = v1 + m10 + v5;
        v2 = v2 + m13 + v6; v3 = v3 + m7 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m4 + v4; v1 = v1 + m12 + v5;
        v2 = v2 + m2 + v6; v3 = v3 + m14 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m6 + v5; v1 = v1 + m9 + v6;
        v2 = v2 + m11 + v7; v3 = v3 + m8 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m5 + v5; v1 = v1 + m0 + v6;
        v2 = v2 + m15 + v7; v3 = v3 + m1 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        // round 4, message words in the order 10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6
        // columns
        v0 = v0 + m10 + v4; v1 = v1 + m12 + v5;
        v2 = v2 + m14 + v6; v3 = v3 + m13 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m7 + v4; v1 = v1 + m9 + v5;
        v2 = v2 + m3 + v6; v3 = v3 + m15 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m4 + v5; v1 = v1 + m11 + v6;
        v2 = v2 + m5 + v7; v3 = v3 + m1 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m0 + v5; v1 = v1 + m2 + v6;
        v2 = v2 + m8 + v7; v3 = v3 + m6 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        // round 5, message words in the order 12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4
        // columns
        v0 = v0 + m12 + v4; v1 = v1 + m9 + v5;
        v2 = v2 + m15 + v6; v3 = v3 + m14 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m13 + v4; v1 = v1 + m11 + v5;
        v2 = v2 + m10 + v6; v3 = v3 + m8 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m7 + v5; v1 = v1 + m5 + v6;
        v2 = v2 + m0 + v7; v3 = v3 + m6 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m2 + v5; v1 = v1 + m3 + v6;
        v2 = v2 + m1 + v7; v3 = v3 + m4 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        // round 6, message words in the order 9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7
        // columns
        v0 = v0 + m9 + v4; v1 = v1 + m11 + v5;
        v2 = v2 + m8 + v6; v3 = v3 + m15 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m14 + v4; v1 = v1 + m5 + v5;
        v2 = v2 + m12 + v6; v3 = v3 + m1 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m13 + v5; v1 = v1 + m0 + v6;
        v2 = v2 + m2 + v7; v3 = v3 + m4 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m3 + v5; v1 = v1 + m10 + v6;
        v2 = v2 + m6 + v7; v3 = v3 + m7 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        // round 7, message words in the order 11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13
        // columns
        v0 = v0 + m11 + v4; v1 = v1 + m5 + v5;
        v2 = v2 + m1 + v6; v3 = v3 + m8 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 16); v13 = Integer.rotateRight(v13 ^ v1, 16);
        v14 = Integer.rotateRight(v14 ^ v2, 16); v15 = Integer.rotateRight(v15 ^ v3, 16);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 12); v5 = Integer.rotateRight(v5 ^ v9, 12);
        v6 = Integer.rotateRight(v6 ^ v10, 12); v7 = Integer.rotateRight(v7 ^ v11, 12);
        v0 = v0 + m15 + v4; v1 = v1 + m0 + v5;
        v2 = v2 + m9 + v6; v3 = v3 + m6 + v7;
        v12 = Integer.rotateRight(v12 ^ v0, 8); v13 = Integer.rotateRight(v13 ^ v1, 8);
        v14 = Integer.rotateRight(v14 ^ v2, 8); v15 = Integer.rotateRight(v15 ^ v3, 8);
        v8 += v12; v9 += v13;
        v10 += v14; v11 += v15;
        v4 = Integer.rotateRight(v4 ^ v8, 7); v5 = Integer.rotateRight(v5 ^ v9, 7);
        v6 = Integer.rotateRight(v6 ^ v10, 7); v7 = Integer.rotateRight(v7 ^ v11, 7);
        // diagonals
        v0 = v0 + m14 + v5; v1 = v1 + m2 + v6;
        v2 = v2 + m3 + v7; v3 = v3 + m7 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 16); v12 = Integer.rotateRight(v12 ^ v1, 16);
        v13 = Integer.rotateRight(v13 ^ v2, 16); v14 = Integer.rotateRight(v14 ^ v3, 16);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 12); v6 = Integer.rotateRight(v6 ^ v11, 12);
        v7 = Integer.rotateRight(v7 ^ v8, 12); v4 = Integer.rotateRight(v4 ^ v9, 12);
        v0 = v0 + m10 + v5; v1 = v1 + m12 + v6;
        v2 = v2 + m4 + v7; v3 = v3 + m13 + v4;
        v15 = Integer.rotateRight(v15 ^ v0, 8); v12 = Integer.rotateRight(v12 ^ v1, 8);
        v13 = Integer.rotateRight(v13 ^ v2, 8); v14 = Integer.rotateRight(v14 ^ v3, 8);
        v10 += v15; v11 += v12;
        v8 += v13; v9 += v14;
        v5 = Integer.rotateRight(v5 ^ v10, 7); v6 = Integer.rotateRight(v6 ^ v11, 7);
        v7 = Integer.rotateRight(v7 ^ v8, 7); v4 = Integer.rotateRight(v4 ^ v9, 7);

        cvOut[0] = v0 ^ v8;
        cvOut[1] = v1 ^ v9;
        cvOut[2] = v2 ^ v10;
        cvOut[3] = v3 ^ v11;
        cvOut[4] = v4 ^ v12;
        cvOut[5] = v5 ^ v13;
        cvOut[6] = v6 ^ v14;
        cvOut[7] = v7 ^ v15;
    }
}
