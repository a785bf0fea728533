package org.tesseras.erasure.rs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class XorProgramTest {

    @Test
    void howPassesAreGroupedDoesNotChangeTheResult() {
        Random random = new Random(17);
        int[][] coefficients = new int[9][23];
        for (int[] row : coefficients) {
            for (int c = 0; c < row.length; c++) {
                row[c] = random.nextInt(256);
            }
        }
        coefficients[3] = new int[23];
        coefficients[5][7] = 0x80;
        GfMatrix matrix = GfMatrix.of(coefficients);
        int length = 3 * 4096 + 77;
        byte[][] inputs = new byte[23][length + 2];
        for (byte[] input : inputs) {
            random.nextBytes(input);
        }
        byte[][] expected = new byte[9][length];
        for (int r = 0; r < 9; r++) {
            for (int j = 0; j < length; j++) {
                int sum = 0;
                for (int c = 0; c < 23; c++) {
                    sum ^= GaloisField.multiply(coefficients[r][c], inputs[c][j + 2] & 0xFF);
                }
                expected[r][j] = (byte) sum;
            }
        }
        int[][] limits = {{1, 1}, {2, 3}, {4, 4}, {6, 5}};
        for (int[] limit : limits) {
            XorProgram program = XorProgram.compile(matrix, limit[0], limit[1]);
            byte[][] outputs = new byte[9][length];
            program.run(inputs, 2, outputs, 0, length, new WordScratch(4096).fit(program));
            for (int r = 0; r < 9; r++) {
                assertArrayEquals(expected[r], outputs[r], "row " + r + " with at most " + limit[0] + "/" + limit[1]
                        + " sources per pass");
            }
        }
    }

    @Test
    void sharedBlockXorsHalveTheWorkOfAWideStripe() {
        GfMatrix parity = GfMatrix.systematicEncoding(48, 24).rows(48, 72);
        int bits = 0;
        for (int r = 0; r < 24; r++) {
            for (int c = 0; c < 48; c++) {
                bits += Integer.bitCount(parity.get(r, c));
            }
        }
        int xors = XorProgram.compile(parity).xorCountPerWord();
        assertTrue(xors < bits * 0.55, xors + " XORs per word for " + bits + " coefficient bits");
    }
}
