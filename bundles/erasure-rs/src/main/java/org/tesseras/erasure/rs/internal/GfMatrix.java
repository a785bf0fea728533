package org.tesseras.erasure.rs.internal;

import java.util.Arrays;

/** An immutable matrix over GF(2^8), entries 0..255. */
final class GfMatrix {
    private final int[][] entries;

    private GfMatrix(int[][] entries) {
        this.entries = entries;
    }

    /** A matrix with a copy of {@code rows} (each 0..255, all the same length). */
    static GfMatrix of(int[][] rows) {
        int[][] copy = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            copy[r] = rows[r].clone();
            if (copy[r].length != rows[0].length) {
                throw new IllegalArgumentException("row " + r + " has " + copy[r].length + " columns, row 0 has "
                        + rows[0].length);
            }
        }
        return new GfMatrix(copy);
    }

    /** The {@code rows x columns} Vandermonde matrix, entry {@code r^c} (0^0 = 1). */
    static GfMatrix vandermonde(int rows, int columns) {
        int[][] v = new int[rows][columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                v[r][c] = GaloisField.power(r, c);
            }
        }
        return new GfMatrix(v);
    }

    /**
     * The systematic encoding matrix of Backblaze JavaReedSolomon: the {@code (data+parity) x data}
     * Vandermonde matrix times the inverse of its top square, so that the top is the identity.
     */
    static GfMatrix systematicEncoding(int dataShards, int parityShards) {
        GfMatrix v = vandermonde(dataShards + parityShards, dataShards);
        return v.times(v.rows(0, dataShards).inverse());
    }

    int rowCount() {
        return entries.length;
    }

    int columnCount() {
        return entries.length == 0 ? 0 : entries[0].length;
    }

    int get(int row, int column) {
        return entries[row][column];
    }

    /** A copy of row {@code r}. */
    int[] row(int r) {
        return entries[r].clone();
    }

    /** Rows {@code [from, to)}. */
    GfMatrix rows(int from, int to) {
        return new GfMatrix(Arrays.copyOfRange(entries, from, to));
    }

    /** The rows named by {@code indices}, in that order. */
    GfMatrix selectRows(int[] indices) {
        int[][] selected = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            selected[i] = entries[indices[i]];
        }
        return new GfMatrix(selected);
    }

    /** The product {@code this * other}. */
    GfMatrix times(GfMatrix other) {
        if (columnCount() != other.rowCount()) {
            throw new IllegalArgumentException("cannot multiply " + rowCount() + "x" + columnCount() + " by "
                    + other.rowCount() + "x" + other.columnCount());
        }
        int[][] product = new int[rowCount()][other.columnCount()];
        for (int r = 0; r < rowCount(); r++) {
            for (int c = 0; c < other.columnCount(); c++) {
                int sum = 0;
                for (int i = 0; i < columnCount(); i++) {
                    sum ^= GaloisField.multiply(entries[r][i], other.entries[i][c]);
                }
                product[r][c] = sum;
            }
        }
        return new GfMatrix(product);
    }

    /** The inverse of this square matrix (Gauss-Jordan); throws if it is singular. */
    GfMatrix inverse() {
        int n = rowCount();
        if (columnCount() != n) {
            throw new IllegalArgumentException("only a square matrix has an inverse, got " + n + "x" + columnCount());
        }
        int[][] work = new int[n][2 * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(entries[r], 0, work[r], 0, n);
            work[r][n + r] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && work[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new ArithmeticException("matrix is singular");
            }
            int[] swap = work[col];
            work[col] = work[pivot];
            work[pivot] = swap;
            int scale = GaloisField.inverse(work[col][col]);
            for (int c = 0; c < 2 * n; c++) {
                work[col][c] = GaloisField.multiply(work[col][c], scale);
            }
            for (int r = 0; r < n; r++) {
                int factor = work[r][col];
                if (r != col && factor != 0) {
                    for (int c = 0; c < 2 * n; c++) {
                        work[r][c] ^= GaloisField.multiply(factor, work[col][c]);
                    }
                }
            }
        }
        int[][] inverse = new int[n][];
        for (int r = 0; r < n; r++) {
            inverse[r] = Arrays.copyOfRange(work[r], n, 2 * n);
        }
        return new GfMatrix(inverse);
    }
}
