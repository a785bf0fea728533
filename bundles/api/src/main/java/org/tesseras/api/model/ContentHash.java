package org.tesseras.api.model;

import java.util.Arrays;

/**
 * A 32-byte BLAKE3 digest naming a tessera or a fragment; its text form is exactly 64 lowercase
 * hex characters, which also makes it safe to use as a file or directory name.
 */
public record ContentHash(byte[] bytes) implements Comparable<ContentHash> {
    /** Digest length in bytes. */
    public static final int LENGTH = 32;

    public ContentHash {
        bytes = Hex.checkLength(bytes, LENGTH, "content hash");
    }

    /** Parses the 64-character lowercase hex form; anything else throws with the bad value in the message. */
    public static ContentHash of(String hex) {
        return new ContentHash(Hex.parse(hex, LENGTH, "content hash"));
    }

    /** Whether {@code text} is a valid hex form, for completers and argument checks. */
    public static boolean isValid(String text) {
        try {
            of(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A copy of the 32 digest bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The first 20 bytes as a DHT key: where in the Kademlia key space this tessera lives. */
    public NodeId dhtKey() {
        return new NodeId(Arrays.copyOf(bytes, NodeId.LENGTH));
    }

    /** Lowercase hex, 64 characters. */
    public String hex() {
        return Hex.format(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContentHash that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(ContentHash other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
