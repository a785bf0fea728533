package org.tesseras.erasure.rs.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The loops a {@link XorProgram} runs: XOR and GF(2^8) doubling over arrays of 64-bit words, eight field
 * elements per word. Each loop is a plain indexed loop over at most seven arrays (six with a doubling) so
 * that C2 turns it into SIMD instructions; wider loops were measured not to vectorize on Java 17.
 */
final class WordLoops {
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_SEVEN_BITS = 0xFEFEFEFEFEFEFEFEL;
    private static final long REDUCTION = 0x1D1D1D1D1D1D1D1DL;

    private WordLoops() {
    }

    /** Eight field elements each multiplied by 2. */
    static long times2(long word) {
        long overflow = (word >>> 7) & LOW_BITS;
        return ((word << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION);
    }

    /** Loads {@code byteCount} bytes of {@code source} from {@code offset} into words, zero-padding the last. */
    static int load(byte[] source, int offset, int byteCount, long[] words) {
        int whole = byteCount >>> 3;
        for (int w = 0; w < whole; w++) {
            words[w] = (long) WORD.get(source, offset + (w << 3));
        }
        int tail = byteCount & 7;
        if (tail == 0) {
            return whole;
        }
        long last = 0;
        int base = offset + (whole << 3);
        for (int b = 0; b < tail; b++) {
            last |= (source[base + b] & 0xFFL) << (b << 3);
        }
        words[whole] = last;
        return whole + 1;
    }

    /** Stores the first {@code byteCount} bytes held in {@code words} into {@code target} from {@code offset}. */
    static void store(long[] words, byte[] target, int offset, int byteCount) {
        int whole = byteCount >>> 3;
        for (int w = 0; w < whole; w++) {
            WORD.set(target, offset + (w << 3), words[w]);
        }
        int tail = byteCount & 7;
        if (tail != 0) {
            long last = words[whole];
            int base = offset + (whole << 3);
            for (int b = 0; b < tail; b++) {
                target[base + b] = (byte) (last >>> (b << 3));
            }
        }
    }

    static void zero(long[] out, int n) {
        Arrays.fill(out, 0, n, 0L);
    }

    static void set1(long[] out, long[] a, int n) {
        System.arraycopy(a, 0, out, 0, n);
    }

    static void set2(long[] out, long[] a, long[] b, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = a[j] ^ b[j];
        }
    }

    static void set3(long[] out, long[] a, long[] b, long[] c, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = a[j] ^ b[j] ^ c[j];
        }
    }

    static void set4(long[] out, long[] a, long[] b, long[] c, long[] d, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = a[j] ^ b[j] ^ c[j] ^ d[j];
        }
    }

    static void xor1(long[] out, long[] a, int n) {
        for (int j = 0; j < n; j++) {
            out[j] ^= a[j];
        }
    }

    static void xor2(long[] out, long[] a, long[] b, int n) {
        for (int j = 0; j < n; j++) {
            out[j] ^= a[j] ^ b[j];
        }
    }

    static void xor3(long[] out, long[] a, long[] b, long[] c, int n) {
        for (int j = 0; j < n; j++) {
            out[j] ^= a[j] ^ b[j] ^ c[j];
        }
    }

    static void xor4(long[] out, long[] a, long[] b, long[] c, long[] d, int n) {
        for (int j = 0; j < n; j++) {
            out[j] ^= a[j] ^ b[j] ^ c[j] ^ d[j];
        }
    }

    static void double0(long[] out, int n) {
        for (int j = 0; j < n; j++) {
            long o = out[j];
            long overflow = (o >>> 7) & LOW_BITS;
            out[j] = ((o << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION);
        }
    }

    static void double1(long[] out, long[] a, int n) {
        for (int j = 0; j < n; j++) {
            long o = out[j];
            long overflow = (o >>> 7) & LOW_BITS;
            out[j] = ((o << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION) ^ a[j];
        }
    }

    static void double2(long[] out, long[] a, long[] b, int n) {
        for (int j = 0; j < n; j++) {
            long o = out[j];
            long overflow = (o >>> 7) & LOW_BITS;
            out[j] = ((o << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION) ^ a[j] ^ b[j];
        }
    }

    static void double3(long[] out, long[] a, long[] b, long[] c, int n) {
        for (int j = 0; j < n; j++) {
            long o = out[j];
            long overflow = (o >>> 7) & LOW_BITS;
            out[j] = ((o << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION) ^ a[j] ^ b[j]
                    ^ c[j];
        }
    }

    static void double4(long[] out, long[] a, long[] b, long[] c, long[] d, int n) {
        for (int j = 0; j < n; j++) {
            long o = out[j];
            long overflow = (o >>> 7) & LOW_BITS;
            out[j] = ((o << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION) ^ a[j] ^ b[j]
                    ^ c[j] ^ d[j];
        }
    }
    static void set5(long[] out, long[] a, long[] b, long[] c, long[] d, long[] e, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = a[j] ^ b[j] ^ c[j] ^ d[j] ^ e[j];
        }
    }

    static void set6(long[] out, long[] a, long[] b, long[] c, long[] d, long[] e, long[] f, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = a[j] ^ b[j] ^ c[j] ^ d[j] ^ e[j] ^ f[j];
        }
    }

    static void xor5(long[] out, long[] a, long[] b, long[] c, long[] d, long[] e, int n) {
        for (int j = 0; j < n; j++) {
            out[j] ^= a[j] ^ b[j] ^ c[j] ^ d[j] ^ e[j];
        }
    }

    static void xor6(long[] out, long[] a, long[] b, long[] c, long[] d, long[] e, long[] f, int n) {
        for (int j = 0; j < n; j++) {
            out[j] ^= a[j] ^ b[j] ^ c[j] ^ d[j] ^ e[j] ^ f[j];
        }
    }

    static void double5(long[] out, long[] a, long[] b, long[] c, long[] d, long[] e, int n) {
        for (int j = 0; j < n; j++) {
            long o = out[j];
            long overflow = (o >>> 7) & LOW_BITS;
            out[j] = ((o << 1) & HIGH_SEVEN_BITS) ^ (((overflow << 8) - overflow) & REDUCTION) ^ a[j] ^ b[j]
                    ^ c[j] ^ d[j] ^ e[j];
        }
    }
}
