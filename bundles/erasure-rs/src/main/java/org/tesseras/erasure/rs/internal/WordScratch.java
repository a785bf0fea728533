package org.tesseras.erasure.rs.internal;

/** Word arrays one thread uses to run a {@link XorProgram}; reused from call to call, never shared at once. */
final class WordScratch {
    private final int sliceBytes;
    private long[][] arrays = new long[0][];

    WordScratch(int sliceBytes) {
        if (sliceBytes < 8 || sliceBytes % 8 != 0) {
            throw new IllegalArgumentException("slice must be a positive multiple of 8 bytes, got " + sliceBytes);
        }
        this.sliceBytes = sliceBytes;
    }

    int sliceBytes() {
        return sliceBytes;
    }

    /** Sized for {@code program}: its scratch arrays, the accumulator last. */
    WordScratch fit(XorProgram program) {
        int count = program.scratchArrays();
        if (arrays.length != count) {
            long[][] resized = new long[count][];
            for (int i = 0; i < count; i++) {
                resized[i] = i < arrays.length ? arrays[i] : new long[sliceBytes / 8];
            }
            arrays = resized;
        }
        return this;
    }

    long[][] arrays() {
        return arrays;
    }
}
