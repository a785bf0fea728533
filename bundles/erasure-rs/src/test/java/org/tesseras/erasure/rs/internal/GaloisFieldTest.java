package org.tesseras.erasure.rs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GaloisFieldTest {

    /** Shift-and-add multiplication modulo 0x11D, independent of the log/exp tables. */
    static int carrylessMultiply(int a, int b) {
        int product = 0;
        while (b != 0) {
            if ((b & 1) != 0) {
                product ^= a;
            }
            a <<= 1;
            if ((a & 0x100) != 0) {
                a ^= 0x11D;
            }
            b >>>= 1;
        }
        return product;
    }

    @Test
    void multiplicationMatchesThePolynomial() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                assertEquals(carrylessMultiply(a, b), GaloisField.multiply(a, b), a + " * " + b);
            }
        }
    }

    @Test
    void everyNonZeroElementHasAnInverse() {
        for (int a = 1; a < 256; a++) {
            assertEquals(1, GaloisField.multiply(a, GaloisField.inverse(a)), "inverse of " + a);
        }
        assertThrows(ArithmeticException.class, () -> GaloisField.inverse(0));
    }

    @Test
    void powersFollowTheVandermondeConvention() {
        assertEquals(1, GaloisField.power(0, 0));
        assertEquals(0, GaloisField.power(0, 3));
        assertEquals(0x1D, GaloisField.power(2, 8));
        for (int a = 0; a < 256; a++) {
            int expected = 1;
            for (int e = 0; e < 300; e++) {
                assertEquals(expected, GaloisField.power(a, e), a + "^" + e);
                expected = carrylessMultiply(expected, a);
            }
        }
    }

    @Test
    void wordDoublingMultipliesEachByteByTwo() {
        long word = 0x80FF017F00C3A51DL;
        long doubled = WordLoops.times2(word);
        for (int b = 0; b < 8; b++) {
            int element = (int) (word >>> (8 * b)) & 0xFF;
            assertEquals(carrylessMultiply(element, 2), (int) (doubled >>> (8 * b)) & 0xFF, "byte " + b);
        }
    }

    @Test
    void inverseTimesMatrixIsTheIdentity() {
        GfMatrix v = GfMatrix.vandermonde(20, 20);
        GfMatrix product = v.inverse().times(v);
        for (int r = 0; r < 20; r++) {
            for (int c = 0; c < 20; c++) {
                assertEquals(r == c ? 1 : 0, product.get(r, c), "(" + r + "," + c + ")");
            }
        }
        assertThrows(ArithmeticException.class, () -> GfMatrix.of(new int[][] {{1, 2}, {1, 2}}).inverse());
    }
}
