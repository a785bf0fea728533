package org.tesseras.crypto.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.Hasher;

/**
 * Incremental BLAKE3 with the default 32-byte output, plain or keyed, written from the BLAKE3
 * specification; allocates nothing per block and reads whole blocks straight from the caller's array.
 */
final class Blake3 implements Hasher.IncrementalHash {
    /** Length of a key for keyed hashing. */
    static final int KEY_BYTES = 32;

    private static final int BLOCK_BYTES = 64;
    private static final int BLOCKS_PER_CHUNK = 16;
    private static final int CV_BYTES = 32;
    /** 2^64 bytes are at most 2^54 chunks: 54 subtree roots, plus the last chunk's value while finishing. */
    private static final int MAX_STACK_ENTRIES = 55;
    private static final int DIRECT_COPY_BYTES = 16 * 1024;

    private static final int CHUNK_START = 1;
    private static final int CHUNK_END = 1 << 1;
    private static final int PARENT = 1 << 2;
    private static final int ROOT = 1 << 3;
    private static final int KEYED_HASH = 1 << 4;

    /** The initialisation vector (that of SHA-256). */
    private static final int[] IV = {
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    };

    private static final VarHandle LITTLE_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The chaining value every chunk and parent starts from: the IV, or the key words. */
    private final int[] keyWords;
    /** Zero, or KEYED_HASH. */
    private final int modeFlags;

    /** Chaining value of the current chunk; also scratch for parent nodes once a chunk is pushed. */
    private final int[] chunkCv = new int[8];
    /** The current chunk's newest block, held back until more input shows it is not the last. */
    private final byte[] block = new byte[BLOCK_BYTES];
    private int blockBytes;
    private int blocksCompressed;
    /** Index of the current chunk: the number of chunks completed before it. */
    private long chunkCounter;

    /** Chaining values of the complete subtrees, left to right, 32 little-endian bytes each. */
    private byte[] cvStack;
    private int stackEntries;

    private byte[] copyBuffer;
    private boolean finished;

    private Blake3(int[] keyWords, int modeFlags) {
        this.keyWords = keyWords;
        this.modeFlags = modeFlags;
        System.arraycopy(keyWords, 0, chunkCv, 0, 8);
    }

    /** A fresh unkeyed hash. */
    static Blake3 newHash() {
        return new Blake3(IV, 0);
    }

    /** A fresh hash keyed with the 32 bytes of {@code key}. */
    static Blake3 newKeyedHash(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a BLAKE3 key must be " + KEY_BYTES + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (int) LITTLE_ENDIAN_INT.get(key, 4 * i);
        }
        return new Blake3(words, KEYED_HASH);
    }

    @Override
    public Blake3 update(byte[] data, int offset, int length) {
        checkOpen();
        Objects.checkFromIndexSize(offset, length, data.length);
        absorb(data, offset, length);
        return this;
    }

    @Override
    public Blake3 update(ByteBuffer data) {
        checkOpen();
        int remaining = data.remaining();
        if (data.hasArray()) {
            absorb(data.array(), data.arrayOffset() + data.position(), remaining);
            data.position(data.limit());
            return this;
        }
        if (remaining == 0) {
            return this;
        }
        if (copyBuffer == null || copyBuffer.length < Math.min(DIRECT_COPY_BYTES, remaining)) {
            copyBuffer = new byte[Math.min(DIRECT_COPY_BYTES, remaining)];
        }
        while (data.hasRemaining()) {
            int n = Math.min(copyBuffer.length, data.remaining());
            data.get(copyBuffer, 0, n);
            absorb(copyBuffer, 0, n);
        }
        return this;
    }

    @Override
    public ContentHash finish() {
        checkOpen();
        finished = true;
        Arrays.fill(block, blockBytes, BLOCK_BYTES, (byte) 0);
        int chunkFlags = modeFlags | CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0);
        if (stackEntries == 0) {
            compress(chunkCv, chunkCv, block, 0, chunkCounter, blockBytes, chunkFlags | ROOT);
            return digestOf(chunkCv);
        }
        compress(chunkCv, chunkCv, block, 0, chunkCounter, blockBytes, chunkFlags);
        storeCv(chunkCv, cvStack, stackEntries * CV_BYTES);
        for (int entry = stackEntries - 1; entry > 0; entry--) {
            compress(keyWords, chunkCv, cvStack, entry * CV_BYTES, 0, BLOCK_BYTES, modeFlags | PARENT);
            storeCv(chunkCv, cvStack, entry * CV_BYTES);
        }
        compress(keyWords, chunkCv, cvStack, 0, 0, BLOCK_BYTES, modeFlags | PARENT | ROOT);
        return digestOf(chunkCv);
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("this BLAKE3 hash is already finished");
        }
    }

    private void absorb(byte[] input, int offset, int length) {
        while (length > 0) {
            if (blockBytes == BLOCK_BYTES) {
                compressFullBlock(block, 0);
                blockBytes = 0;
            }
            if (blockBytes == 0) {
                // whole blocks straight from the input, except the last: it may end the input and needs its flags
                while (length > BLOCK_BYTES) {
                    compressFullBlock(input, offset);
                    offset += BLOCK_BYTES;
                    length -= BLOCK_BYTES;
                }
            }
            int taken = Math.min(BLOCK_BYTES - blockBytes, length);
            System.arraycopy(input, offset, block, blockBytes, taken);
            blockBytes += taken;
            offset += taken;
            length -= taken;
        }
    }

    /** Compresses a full block into the current chunk, known not to be the last block of the input. */
    private void compressFullBlock(byte[] source, int offset) {
        int flags = modeFlags | (blocksCompressed == 0 ? CHUNK_START : 0);
        if (blocksCompressed == BLOCKS_PER_CHUNK - 1) {
            compress(chunkCv, chunkCv, source, offset, chunkCounter, BLOCK_BYTES, flags | CHUNK_END);
            pushChunkCv();
        } else {
            compress(chunkCv, chunkCv, source, offset, chunkCounter, BLOCK_BYTES, flags);
            blocksCompressed++;
        }
    }

    /**
     * Pushes the completed chunk's chaining value and merges every pair of subtrees this completes
     * (one per trailing zero bit of the new chunk count), then starts the next chunk.
     */
    private void pushChunkCv() {
        if (cvStack == null) {
            cvStack = new byte[MAX_STACK_ENTRIES * CV_BYTES];
        }
        storeCv(chunkCv, cvStack, stackEntries * CV_BYTES);
        stackEntries++;
        chunkCounter++;
        for (long chunks = chunkCounter; (chunks & 1) == 0; chunks >>>= 1) {
            int left = (stackEntries - 2) * CV_BYTES;
            compress(keyWords, chunkCv, cvStack, left, 0, BLOCK_BYTES, modeFlags | PARENT);
            storeCv(chunkCv, cvStack, left);
            stackEntries--;
        }
        System.arraycopy(keyWords, 0, chunkCv, 0, 8);
        blocksCompressed = 0;
    }

    private static void storeCv(int[] cv, byte[] target, int offset) {
        for (int i = 0; i < 8; i++) {
            LITTLE_ENDIAN_INT.set(target, offset + 4 * i, cv[i]);
        }
    }

    /**
     * The digest of a final chaining value. Written byte by byte, not through {@link #LITTLE_ENDIAN_INT}: HotSpot's
     * C2 (seen on 17.0.15) can drop int-wide VarHandle stores into a fresh byte array that is then copied, as
     * {@link ContentHash} copies it, so compiled code returned zeros for some or all of the digest.
     */
    private static ContentHash digestOf(int[] cv) {
        byte[] digest = new byte[ContentHash.LENGTH];
        for (int i = 0; i < 8; i++) {
            int word = cv[i];
            digest[4 * i] = (byte) word;
            digest[4 * i + 1] = (byte) (word >>> 8);
            digest[4 * i + 2] = (byte) (word >>> 16);
            digest[4 * i + 3] = (byte) (word >>> 24);
        }
        return new ContentHash(digest);
    }

    /**
     * The compression function: seven rounds over the 64-byte block at {@code offset}, the message
     * permutation resolved into fixed word indices per round, all in locals; writes the first eight output
     * words, the new chaining value, to {@code cvOut} (which may be {@code cvIn}). Each round runs G on the
     * four columns then the four diagonals, the four independent G interleaved step by step, and adds the
     * message word before the freshly computed {@code b}, which keeps one add off the dependency chain.
     */
    private static void compress(int[] cvIn, int[] cvOut, byte[] message, int offset, long counter,
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
