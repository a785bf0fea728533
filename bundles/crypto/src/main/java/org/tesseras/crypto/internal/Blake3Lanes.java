package org.tesseras.crypto.internal;

/**
 * Hashes whole BLAKE3 chunks side by side, one chunk per lane. It is only given chunks that more input follows,
 * so none of them, and no subtree it merges, is ever the root.
 */
interface Blake3Lanes {
    /** How many chunks are hashed side by side: a power of two. */
    int lanes();

    /**
     * Writes the chaining values of {@code count} (1 to {@link #lanes()}) whole chunks of {@code input} at
     * {@code offset}, the first with index {@code counter}, to {@code cvs}: eight words per chunk, chunk by chunk.
     */
    void chunkCvs(byte[] input, int offset, int count, long counter, int[] keyWords, int modeFlags, int[] cvs);

    /**
     * Writes to {@code cv} (eight words) the chaining value of the subtree of {@link #lanes()} whole chunks of
     * {@code input} at {@code offset}, the first with index {@code counter}, a multiple of {@link #lanes()}.
     */
    void subtreeCv(byte[] input, int offset, long counter, int[] keyWords, int modeFlags, int[] cv);
}
