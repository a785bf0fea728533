package org.tesseras.crypto.internal;

import java.util.Arrays;

import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;

/** {@code NodeId = BLAKE3(publicKey || nonce as u64 LE)[0..20]} and the search for a nonce meeting a difficulty. */
final class ProofOfWork {
    private ProofOfWork() {
    }

    static NodeId deriveNodeId(Hasher hasher, byte[] publicKey, long nonce) {
        byte[] input = Arrays.copyOf(publicKey, publicKey.length + Long.BYTES);
        for (int i = 0; i < Long.BYTES; i++) {
            input[publicKey.length + i] = (byte) (nonce >>> (8 * i));
        }
        return new NodeId(Arrays.copyOf(hasher.hash(input).bytes(), NodeId.LENGTH));
    }

    /** The first nonce from 0 up whose NodeId has at least {@code difficultyBits} leading zero bits. */
    static long findNonce(Hasher hasher, byte[] publicKey, int difficultyBits) {
        for (long nonce = 0; nonce < Long.MAX_VALUE; nonce++) {
            if (deriveNodeId(hasher, publicKey, nonce).leadingZeroBits() >= difficultyBits) {
                return nonce;
            }
        }
        throw new IllegalStateException("no nonce meets " + difficultyBits + " bits of proof-of-work");
    }
}
