package org.tesseras.crypto.internal;

import static org.tesseras.crypto.internal.Blake3Compression.compress;

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
 * specification; allocates nothing per block and reads whole blocks straight from the caller's array. Given
 * {@link Blake3Lanes}, it hashes whole chunks side by side in batches and keeps only the last chunk for itself.
 */
final class Blake3 implements Hasher.IncrementalHash {
    /** Length of a key for keyed hashing. */
    static final int KEY_BYTES = 32;

    private static final int BLOCK_BYTES = 64;
    private static final int BLOCKS_PER_CHUNK = 16;
    private static final int CHUNK_BYTES = BLOCK_BYTES * BLOCKS_PER_CHUNK;
    private static final int CV_BYTES = 32;
    /** 2^64 bytes are at most 2^54 chunks: 54 subtree roots, plus the last chunk's value while finishing. */
    private static final int MAX_STACK_ENTRIES = 55;
    private static final int DIRECT_COPY_BYTES = 16 * 1024;

    static final int CHUNK_START = 1;
    static final int CHUNK_END = 1 << 1;
    static final int PARENT = 1 << 2;
    private static final int ROOT = 1 << 3;
    private static final int KEYED_HASH = 1 << 4;

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

    /** Hashes whole chunks side by side, or null: then every chunk goes through {@link Blake3Compression#compress}. */
    private final Blake3Lanes lanes;
    /**
     * With lanes: the input not hashed yet, from a chunk boundary, at most one batch ({@code lanes.lanes()}
     * chunks). Kept until more input shows that its last chunk is not the input's last; grown as it fills.
     */
    private byte[] pending;
    private int pendingBytes;
    private int[] laneCvs;

    private byte[] copyBuffer;
    private boolean finished;

    private Blake3(int[] keyWords, int modeFlags, Blake3Lanes lanes) {
        this.keyWords = keyWords;
        this.modeFlags = modeFlags;
        this.lanes = lanes;
        System.arraycopy(keyWords, 0, chunkCv, 0, 8);
    }

    /** A fresh unkeyed hash, with the lanes this JVM can run ({@link Blake3Implementation}). */
    static Blake3 newHash() {
        return newHash(Blake3Implementation.newLanes());
    }

    /** A fresh unkeyed hash that hashes whole chunks with {@code lanes}, or alone if it is null. */
    static Blake3 newHash(Blake3Lanes lanes) {
        return new Blake3(Blake3Compression.IV, 0, lanes);
    }

    /** A fresh hash keyed with the 32 bytes of {@code key}, with the lanes this JVM can run. */
    static Blake3 newKeyedHash(byte[] key) {
        return newKeyedHash(key, Blake3Implementation.newLanes());
    }

    /** A fresh hash keyed with the 32 bytes of {@code key} that hashes whole chunks with {@code lanes}, or alone. */
    static Blake3 newKeyedHash(byte[] key, Blake3Lanes lanes) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a BLAKE3 key must be " + KEY_BYTES + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (int) LITTLE_ENDIAN_INT.get(key, 4 * i);
        }
        return new Blake3(words, KEYED_HASH, lanes);
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
        if (pendingBytes > 0) {
            finishPending();
        }
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
        if (lanes == null) {
            absorbBlocks(input, offset, length);
        } else {
            absorbInBatches(input, offset, length);
        }
    }

    /**
     * Hashes whole batches of chunks in the lanes, straight from the input where it holds more than a batch, and
     * keeps the rest in {@link #pending}. Every batch starts at a chunk index that is a multiple of the batch.
     */
    private void absorbInBatches(byte[] input, int offset, int length) {
        int batchBytes = lanes.lanes() * CHUNK_BYTES;
        while (length > 0) {
            if (pendingBytes == batchBytes) {
                // more input follows: none of these chunks is the last
                hashBatch(pending, 0);
                pendingBytes = 0;
            }
            if (pendingBytes == 0) {
                while (length > batchBytes) {
                    hashBatch(input, offset);
                    offset += batchBytes;
                    length -= batchBytes;
                }
            }
            int taken = Math.min(batchBytes - pendingBytes, length);
            int needed = pendingBytes + taken;
            if (pending == null) {
                pending = new byte[needed];
            } else if (pending.length < needed) {
                pending = Arrays.copyOf(pending, Math.min(batchBytes, Math.max(needed, 2 * pending.length)));
            }
            System.arraycopy(input, offset, pending, pendingBytes, taken);
            pendingBytes += taken;
            offset += taken;
            length -= taken;
        }
    }

    private void hashBatch(byte[] source, int offset) {
        lanes.subtreeCv(source, offset, chunkCounter, keyWords, modeFlags, chunkCv);
        pushSubtreeCv(Integer.numberOfTrailingZeros(lanes.lanes()));
    }

    /**
     * Hashes what {@link #pending} holds at the end: the whole chunks before the last in the lanes (alone when
     * there is only one), and the last chunk block by block, which leaves it to {@link #finish}.
     */
    private void finishPending() {
        int leadingChunks = (pendingBytes - 1) / CHUNK_BYTES;
        if (leadingChunks < 2) {
            leadingChunks = 0;
        } else {
            if (laneCvs == null) {
                laneCvs = new int[8 * lanes.lanes()];
            }
            lanes.chunkCvs(pending, 0, leadingChunks, chunkCounter, keyWords, modeFlags, laneCvs);
            for (int chunk = 0; chunk < leadingChunks; chunk++) {
                System.arraycopy(laneCvs, 8 * chunk, chunkCv, 0, 8);
                pushChunkCv();
            }
        }
        absorbBlocks(pending, leadingChunks * CHUNK_BYTES, pendingBytes - leadingChunks * CHUNK_BYTES);
        pendingBytes = 0;
    }

    private void absorbBlocks(byte[] input, int offset, int length) {
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

    private void pushChunkCv() {
        pushSubtreeCv(0);
    }

    /**
     * Pushes the chaining value in {@link #chunkCv} of a completed subtree of 2^{@code log2Chunks} chunks that
     * starts at {@link #chunkCounter}, a multiple of its size, and merges every pair of subtrees this completes
     * (one per trailing zero bit of the new chunk count above the subtree's own), then starts the next chunk.
     */
    private void pushSubtreeCv(int log2Chunks) {
        if (cvStack == null) {
            cvStack = new byte[MAX_STACK_ENTRIES * CV_BYTES];
        }
        storeCv(chunkCv, cvStack, stackEntries * CV_BYTES);
        stackEntries++;
        chunkCounter += 1L << log2Chunks;
        for (long chunks = chunkCounter >>> log2Chunks; (chunks & 1) == 0; chunks >>>= 1) {
            int left = (stackEntries - 2) * CV_BYTES;
            compress(keyWords, chunkCv, cvStack, left, 0, BLOCK_BYTES, modeFlags | PARENT);
            storeCv(chunkCv, cvStack, left);
            stackEntries--;
        }
        System.arraycopy(keyWords, 0, chunkCv, 0, 8);
        blocksCompressed = 0;
    }

    /**
     * Leading zero bits of the unkeyed BLAKE3 hash of {@code block[0..length)}, a message of at most one block
     * whose bytes past {@code length} are zero: one compression, nothing allocated ({@code cv} is scratch of
     * eight words). The proof-of-work search calls this millions of times; it equals hashing the same bytes.
     */
    static int leadingZeroBitsOfShortHash(byte[] block, int length, int[] cv) {
        if (block.length != BLOCK_BYTES || length < 0 || length > BLOCK_BYTES || cv.length != 8) {
            throw new IllegalArgumentException("a short hash takes one " + BLOCK_BYTES + "-byte block and 8 words");
        }
        compress(Blake3Compression.IV, cv, block, 0, 0, length, CHUNK_START | CHUNK_END | ROOT);
        int bits = 0;
        for (int i = 0; i < 8; i++) {
            int word = Integer.reverseBytes(cv[i]);
            if (word != 0) {
                return bits + Integer.numberOfLeadingZeros(word);
            }
            bits += 32;
        }
        return bits;
    }

    /**
     * Written out rather than as a loop: C2's SuperWord in JDK 17.0.15 sometimes miscompiled that loop once the
     * vector lanes ran in the same JVM (digests came out zero or wrong from byte 12 on in about half of the test
     * runs; none with -XX:-UseSuperWord or with this form).
     */
    private static void storeCv(int[] cv, byte[] target, int offset) {
        LITTLE_ENDIAN_INT.set(target, offset, cv[0]);
        LITTLE_ENDIAN_INT.set(target, offset + 4, cv[1]);
        LITTLE_ENDIAN_INT.set(target, offset + 8, cv[2]);
        LITTLE_ENDIAN_INT.set(target, offset + 12, cv[3]);
        LITTLE_ENDIAN_INT.set(target, offset + 16, cv[4]);
        LITTLE_ENDIAN_INT.set(target, offset + 20, cv[5]);
        LITTLE_ENDIAN_INT.set(target, offset + 24, cv[6]);
        LITTLE_ENDIAN_INT.set(target, offset + 28, cv[7]);
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
}
