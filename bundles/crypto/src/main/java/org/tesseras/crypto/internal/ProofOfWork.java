package org.tesseras.crypto.internal;

import java.util.Arrays;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;

/**
 * Identities: a key has exactly one NodeId, {@code BLAKE3(publicKey)[0..20]}, accepted only with a proof-of-work
 * nonce for that key: {@code BLAKE3(publicKey || nonce as u64 LE)} must have at least {@code powDifficulty} leading
 * zero bits. Another nonce gives the same NodeId, so work buys one identity per key; minting costs
 * {@code 2^powDifficulty} hashes on average, checking costs two.
 */
public final class ProofOfWork {
    /** How many nonces the search tries between two progress reports. */
    public static final long REPORT_EVERY_TRIES = 1L << 22;
    private static final int CHECK_INTERRUPT_EVERY = 1 << 16;

    private ProofOfWork() {
    }

    /** Told how far a search got, every {@link #REPORT_EVERY_TRIES} nonces. */
    @FunctionalInterface
    public interface Progress {
        /** {@code nextNonce} is where the search would go on from; {@code tried} counts this search's tries. */
        void reached(long nextNonce, long tried);
    }

    /** The one NodeId of {@code publicKey}: {@code BLAKE3(publicKey)[0..20]}. */
    public static NodeId nodeIdOf(Hasher hasher, byte[] publicKey) {
        return new NodeId(Arrays.copyOf(hasher.hash(publicKey).bytes(), NodeId.LENGTH));
    }

    /** Leading zero bits of {@code BLAKE3(publicKey || nonce as u64 LE)}: the work {@code nonce} shows for the key. */
    public static int powBits(Hasher hasher, byte[] publicKey, long nonce) {
        return leadingZeroBits(hasher.hash(keyAndNonce(publicKey, nonce)));
    }

    /**
     * The NodeId identities had before one key made one NodeId, {@code BLAKE3(publicKey || nonce)[0..20]}; only to
     * check key files and manifests written then.
     */
    static NodeId legacyNodeId(Hasher hasher, byte[] publicKey, long nonce) {
        return new NodeId(Arrays.copyOf(hasher.hash(keyAndNonce(publicKey, nonce)).bytes(), NodeId.LENGTH));
    }

    /**
     * The first nonce from {@code firstNonce} up that shows {@code difficultyBits} of work for {@code publicKey}.
     * Throws {@link InterruptedException} when the calling thread is interrupted, so a stopping node stops it.
     */
    public static long findNonce(byte[] publicKey, int difficultyBits, long firstNonce, Progress progress)
            throws InterruptedException {
        if (firstNonce < 0) {
            throw new IllegalArgumentException("the first nonce must not be negative, got " + firstNonce);
        }
        if (publicKey.length + Long.BYTES > 64) {
            throw new IllegalArgumentException("a public key of " + publicKey.length + " bytes is too long");
        }
        byte[] block = new byte[64];
        System.arraycopy(publicKey, 0, block, 0, publicKey.length);
        int at = publicKey.length;
        int length = at + Long.BYTES;
        int[] scratch = new int[8];
        long tried = 0;
        for (long nonce = firstNonce; nonce >= 0; nonce++) {
            for (int i = 0; i < Long.BYTES; i++) {
                block[at + i] = (byte) (nonce >>> (8 * i));
            }
            if (Blake3.leadingZeroBitsOfShortHash(block, length, scratch) >= difficultyBits) {
                return nonce;
            }
            tried++;
            if ((tried & (CHECK_INTERRUPT_EVERY - 1)) == 0) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("proof-of-work search stopped at nonce " + nonce);
                }
                if (progress != null && (tried & (REPORT_EVERY_TRIES - 1)) == 0) {
                    progress.reached(nonce + 1, tried);
                }
            }
        }
        throw new IllegalStateException("no nonce meets " + difficultyBits + " bits of proof-of-work");
    }

    private static byte[] keyAndNonce(byte[] publicKey, long nonce) {
        byte[] input = Arrays.copyOf(publicKey, publicKey.length + Long.BYTES);
        for (int i = 0; i < Long.BYTES; i++) {
            input[publicKey.length + i] = (byte) (nonce >>> (8 * i));
        }
        return input;
    }

    private static int leadingZeroBits(ContentHash hash) {
        byte[] bytes = hash.bytes();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(bytes[i] & 0xff) - 24;
            }
        }
        return bytes.length * 8;
    }
}
