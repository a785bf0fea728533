package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;

/**
 * Proofs of possession: BLAKE3 keyed with a challenge nonce over a fragment's bytes. The same read also
 * hashes the bytes plainly, so whoever proves or checks a proof knows the bytes still match the manifest.
 */
final class FragmentProofs {
    private static final int BUFFER_BYTES = 256 * 1024;

    private FragmentProofs() {
    }

    /** A keyed proof over some bytes, with their plain checksum and length. */
    record Proof(ContentHash keyed, ContentHash checksum, long length) {
        /** Whether the bytes proven are fragment {@code index} as {@code manifest} describes it. */
        boolean matches(TesseraManifest manifest, int index) {
            return length == manifest.plan().shardSize() && checksum.equals(manifest.checksum(index));
        }
    }

    /** The proof over a held fragment, or empty when it is not held. */
    static Optional<Proof> prove(Hasher hasher, FragmentStore store, ContentHash tesseraHash, int index, byte[] nonce)
            throws IOException {
        Optional<SeekableByteChannel> channel = store.open(tesseraHash, index);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        try (SeekableByteChannel in = channel.get()) {
            return Optional.of(prove(hasher, in, nonce));
        }
    }

    /** The proof over everything {@code in} yields; does not close it. */
    static Proof prove(Hasher hasher, ReadableByteChannel in, byte[] nonce) throws IOException {
        Hasher.IncrementalHash keyed = hasher.newKeyedHash(nonce);
        Hasher.IncrementalHash plain = hasher.newHash();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        long length = 0;
        while (in.read(buffer) >= 0) {
            buffer.flip();
            length += buffer.remaining();
            plain.update(buffer.duplicate());
            keyed.update(buffer);
            buffer.clear();
        }
        return new Proof(keyed.finish(), plain.finish(), length);
    }
}
