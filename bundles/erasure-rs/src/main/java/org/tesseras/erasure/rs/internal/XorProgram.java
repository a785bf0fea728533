package org.tesseras.erasure.rs.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A GF(2^8) coefficient matrix compiled into XOR passes over 64-bit words, so that
 * {@code output[r] = sum over c of coefficient[r][c] * input[c]} costs no table look-up.
 *
 * <p>Writing each coefficient as bits, {@code c * x = sum over b of bit_b(c) * 2^b * x}, so row {@code r} is
 * computed Horner-style from its bit planes: {@code acc = y7; acc = 2*acc ^ y6; ...; acc = 2*acc ^ y0}, where
 * {@code y_b} is the XOR of the inputs whose coefficient has bit {@code b} set. Inputs are taken four at a
 * time (a "block"); an XOR of two to four inputs of a block that several bit planes need is computed once
 * per slice and reused (the method of four Russians), which halves the XORs of a wide stripe.
 */
final class XorProgram {
    private static final int BLOCK = 4;
    /** Most sources one XOR pass takes; C2 stops vectorizing a loop over more arrays. */
    private static final int MAX_XOR_SOURCES = 6;
    /** Most sources a pass that also doubles takes, for the same reason. */
    private static final int MAX_DOUBLE_SOURCES = 5;
    private static final int OPS_PER_KIND = MAX_XOR_SOURCES + 1;
    private static final int OP_SET = 0;
    private static final int OP_XOR = 1;
    private static final int OP_DOUBLE_XOR = 2;

    private final int inputCount;
    private final int[][] combos;
    private final int[][] rowPasses;

    private XorProgram(int inputCount, int[][] combos, int[][] rowPasses) {
        this.inputCount = inputCount;
        this.combos = combos;
        this.rowPasses = rowPasses;
    }

    /** Compiles {@code coefficients} (outputs x inputs). */
    static XorProgram compile(GfMatrix coefficients) {
        return compile(coefficients, MAX_XOR_SOURCES, MAX_DOUBLE_SOURCES);
    }

    /** Compiles with at most {@code maxXor} sources per XOR pass and {@code maxDouble} per doubling pass. */
    static XorProgram compile(GfMatrix coefficients, int maxXor, int maxDouble) {
        int rows = coefficients.rowCount();
        int columns = coefficients.columnCount();
        int blocks = (columns + BLOCK - 1) / BLOCK;
        int[][][] masks = new int[rows][8][blocks];
        int[][] uses = new int[blocks][1 << BLOCK];
        for (int r = 0; r < rows; r++) {
            for (int bit = 0; bit < 8; bit++) {
                for (int c = 0; c < columns; c++) {
                    if ((coefficients.get(r, c) >>> bit & 1) != 0) {
                        masks[r][bit][c / BLOCK] |= 1 << (c % BLOCK);
                    }
                }
                for (int block = 0; block < blocks; block++) {
                    uses[block][masks[r][bit][block]]++;
                }
            }
        }
        List<int[]> comboInputs = new ArrayList<>();
        int[][] comboIds = new int[blocks][1 << BLOCK];
        for (int block = 0; block < blocks; block++) {
            Arrays.fill(comboIds[block], -1);
            for (int mask = 1; mask < 1 << BLOCK; mask++) {
                if (Integer.bitCount(mask) >= 2 && uses[block][mask] >= 2) {
                    comboIds[block][mask] = columns + comboInputs.size();
                    comboInputs.add(inputsOf(block, mask));
                }
            }
        }
        int[][] rowPasses = new int[rows][];
        for (int r = 0; r < rows; r++) {
            rowPasses[r] = compileRow(masks[r], comboIds, maxXor, maxDouble);
        }
        return new XorProgram(columns, comboInputs.toArray(new int[0][]), rowPasses);
    }

    private static int[] compileRow(int[][] planeMasks, int[][] comboIds, int maxXor, int maxDouble) {
        IntList passes = new IntList();
        boolean started = false;
        for (int bit = 7; bit >= 0; bit--) {
            IntList sources = new IntList();
            for (int block = 0; block < planeMasks[bit].length; block++) {
                int mask = planeMasks[bit][block];
                if (mask == 0) {
                    continue;
                }
                if (Integer.bitCount(mask) > 1 && comboIds[block][mask] >= 0) {
                    sources.add(comboIds[block][mask]);
                } else {
                    for (int input : inputsOf(block, mask)) {
                        sources.add(input);
                    }
                }
            }
            if (!started && sources.size() == 0) {
                continue;
            }
            int firstOp = started ? OP_DOUBLE_XOR : OP_SET;
            started = true;
            int from = 0;
            do {
                int limit = from == 0 && firstOp == OP_DOUBLE_XOR ? maxDouble : maxXor;
                int count = Math.min(limit, sources.size() - from);
                passes.add(from == 0 ? firstOp : OP_XOR);
                passes.add(count);
                for (int i = 0; i < count; i++) {
                    passes.add(sources.get(from + i));
                }
                from += count;
            } while (from < sources.size());
        }
        if (!started) {
            passes.add(OP_SET);
            passes.add(0);
        }
        return passes.toArray();
    }

    private static int[] inputsOf(int block, int mask) {
        int[] inputs = new int[Integer.bitCount(mask)];
        int n = 0;
        for (int i = 0; i < BLOCK; i++) {
            if ((mask >>> i & 1) != 0) {
                inputs[n++] = block * BLOCK + i;
            }
        }
        return inputs;
    }

    int inputCount() {
        return inputCount;
    }

    int outputCount() {
        return rowPasses.length;
    }

    /** Word arrays a slice needs: one per input, one per shared XOR, one accumulator. */
    int scratchArrays() {
        return inputCount + combos.length + 1;
    }

    /** Number of XORs of 64-bit words per word of each output, a cost figure for tests and tuning. */
    int xorCountPerWord() {
        int count = 0;
        for (int[] combo : combos) {
            count += combo.length - 1;
        }
        for (int[] passes : rowPasses) {
            for (int i = 0; i < passes.length; i += 2 + passes[i + 1]) {
                count += passes[i + 1];
            }
        }
        return count;
    }

    /**
     * Computes {@code outputs[r][outOffset..+byteCount)} from {@code inputs[c][inOffset..+byteCount)}, slice by
     * slice of {@code scratch.sliceBytes()} so that the working set stays in the CPU caches.
     */
    void run(byte[][] inputs, int inOffset, byte[][] outputs, int outOffset, int byteCount, WordScratch scratch) {
        long[][] words = scratch.arrays();
        long[] acc = words[words.length - 1];
        int slice = scratch.sliceBytes();
        for (int done = 0; done < byteCount; done += slice) {
            int bytes = Math.min(slice, byteCount - done);
            int n = 0;
            for (int c = 0; c < inputCount; c++) {
                n = WordLoops.load(inputs[c], inOffset + done, bytes, words[c]);
            }
            for (int k = 0; k < combos.length; k++) {
                int[] in = combos[k];
                long[] out = words[inputCount + k];
                switch (in.length) {
                    case 2 -> WordLoops.set2(out, words[in[0]], words[in[1]], n);
                    case 3 -> WordLoops.set3(out, words[in[0]], words[in[1]], words[in[2]], n);
                    default -> WordLoops.set4(out, words[in[0]], words[in[1]], words[in[2]], words[in[3]], n);
                }
            }
            for (int r = 0; r < rowPasses.length; r++) {
                runRow(rowPasses[r], words, acc, n);
                WordLoops.store(acc, outputs[r], outOffset + done, bytes);
            }
        }
    }

    private static void runRow(int[] passes, long[][] w, long[] acc, int n) {
        for (int i = 0; i < passes.length; i += 2 + passes[i + 1]) {
            int op = passes[i];
            int count = passes[i + 1];
            int s = i + 2;
            switch (op * OPS_PER_KIND + count) {
                case OP_SET * OPS_PER_KIND -> WordLoops.zero(acc, n);
                case OP_SET * OPS_PER_KIND + 1 -> WordLoops.set1(acc, w[passes[s]], n);
                case OP_SET * OPS_PER_KIND + 2 -> WordLoops.set2(acc, w[passes[s]], w[passes[s + 1]], n);
                case OP_SET * OPS_PER_KIND + 3 -> WordLoops.set3(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], n);
                case OP_SET * OPS_PER_KIND + 4 -> WordLoops.set4(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], n);
                case OP_SET * OPS_PER_KIND + 5 -> WordLoops.set5(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], w[passes[s + 4]], n);
                case OP_SET * OPS_PER_KIND + 6 -> WordLoops.set6(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], w[passes[s + 4]], w[passes[s + 5]], n);
                case OP_XOR * OPS_PER_KIND + 1 -> WordLoops.xor1(acc, w[passes[s]], n);
                case OP_XOR * OPS_PER_KIND + 2 -> WordLoops.xor2(acc, w[passes[s]], w[passes[s + 1]], n);
                case OP_XOR * OPS_PER_KIND + 3 -> WordLoops.xor3(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], n);
                case OP_XOR * OPS_PER_KIND + 4 -> WordLoops.xor4(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], n);
                case OP_XOR * OPS_PER_KIND + 5 -> WordLoops.xor5(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], w[passes[s + 4]], n);
                case OP_XOR * OPS_PER_KIND + 6 -> WordLoops.xor6(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], w[passes[s + 4]], w[passes[s + 5]], n);
                case OP_DOUBLE_XOR * OPS_PER_KIND -> WordLoops.double0(acc, n);
                case OP_DOUBLE_XOR * OPS_PER_KIND + 1 -> WordLoops.double1(acc, w[passes[s]], n);
                case OP_DOUBLE_XOR * OPS_PER_KIND + 2 -> WordLoops.double2(acc, w[passes[s]], w[passes[s + 1]], n);
                case OP_DOUBLE_XOR * OPS_PER_KIND + 3 -> WordLoops.double3(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], n);
                case OP_DOUBLE_XOR * OPS_PER_KIND + 4 -> WordLoops.double4(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], n);
                case OP_DOUBLE_XOR * OPS_PER_KIND + 5 -> WordLoops.double5(acc, w[passes[s]], w[passes[s + 1]],
                        w[passes[s + 2]], w[passes[s + 3]], w[passes[s + 4]], n);
                default -> throw new IllegalStateException("bad pass " + op + "/" + count);
            }
        }
    }

    /** A growable list of ints, to compile passes without boxing. */
    private static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int get(int index) {
            return values[index];
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
