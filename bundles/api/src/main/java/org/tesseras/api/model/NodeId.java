package org.tesseras.api.model;

import java.util.Arrays;

/**
 * A node's 160-bit identifier, {@code BLAKE3(publicKey)[0..20]} (one per key; a proof-of-work nonce makes it
 * valid); also used as a key in the DHT's XOR metric space. Text form: 40 lowercase hex characters.
 */
public record NodeId(byte[] bytes) implements Comparable<NodeId> {
    /** Identifier length in bytes. */
    public static final int LENGTH = 20;
    /** Identifier length in bits. */
    public static final int BITS = LENGTH * 8;

    public NodeId {
        bytes = Hex.checkLength(bytes, LENGTH, "node id");
    }

    /** Parses the 40-character lowercase hex form; anything else throws with the bad value in the message. */
    public static NodeId of(String hex) {
        return new NodeId(Hex.parse(hex, LENGTH, "node id"));
    }

    /** Whether {@code text} is a valid hex form. */
    public static boolean isValid(String text) {
        try {
            of(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A copy of the 20 identifier bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The identifier byte at {@code index}, without copying. */
    public int byteAt(int index) {
        return bytes[index] & 0xff;
    }

    /** Number of leading zero bits (of a distance: the bits two identifiers share). */
    public int leadingZeroBits() {
        for (int i = 0; i < LENGTH; i++) {
            if (bytes[i] != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(bytes[i] & 0xff) - 24;
            }
        }
        return BITS;
    }

    /** XOR distance to {@code other}, as a new identifier-sized value. */
    public NodeId xor(NodeId other) {
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = (byte) (bytes[i] ^ other.bytes[i]);
        }
        return new NodeId(out);
    }

    /** Lowercase hex, 40 characters. */
    public String hex() {
        return Hex.format(bytes);
    }

    /** The first 8 hex characters, for logs and tables. */
    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeId that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Unsigned big-endian order, which is also the order of XOR distances. */
    @Override
    public int compareTo(NodeId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
