package org.tesseras.erasure.rs.internal;

/**
 * GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (0x11D) and generator 2, as Backblaze JavaReedSolomon
 * builds it: log/exp tables made by repeated doubling.
 */
final class GaloisField {
    /** The field polynomial without its x^8 term, folded in when a doubling overflows. */
    static final int POLYNOMIAL_LOW_BITS = 0x1D;

    private static final int ORDER = 255;
    private static final int[] LOG = new int[256];
    /** Twice the cycle long, so {@code EXP[log a + log b]} needs no modulo. */
    private static final int[] EXP = new int[2 * ORDER];

    static {
        int value = 1;
        for (int power = 0; power < ORDER; power++) {
            EXP[power] = value;
            EXP[power + ORDER] = value;
            LOG[value] = power;
            value <<= 1;
            if (value > 0xFF) {
                value = (value ^ POLYNOMIAL_LOW_BITS) & 0xFF;
            }
        }
    }

    private GaloisField() {
    }

    /** The product {@code a * b}; both operands and the result are 0..255. */
    static int multiply(int a, int b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return EXP[LOG[a] + LOG[b]];
    }

    /** The inverse {@code 1 / a} of a non-zero element. */
    static int inverse(int a) {
        if (a == 0) {
            throw new ArithmeticException("0 has no inverse in GF(2^8)");
        }
        return EXP[ORDER - LOG[a]];
    }

    /** {@code a} raised to {@code exponent >= 0}, with {@code 0^0 = 1} as in a Vandermonde matrix. */
    static int power(int a, int exponent) {
        if (exponent == 0) {
            return 1;
        }
        if (a == 0) {
            return 0;
        }
        return EXP[(int) ((long) LOG[a] * exponent % ORDER)];
    }
}
