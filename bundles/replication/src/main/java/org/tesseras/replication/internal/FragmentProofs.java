package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;

/** Proofs of possession: BLAKE3 keyed with a challenge nonce over a fragment's bytes. */
final class FragmentProofs {
    private static final int BUFFER_BYTES = 256 * 1024;

    private FragmentProofs() {
    }

    /** The proof over a held fragment, or empty when it is not held. */
    static Optional<ContentHash> prove(Hasher hasher, FragmentStore store, ContentHash tesseraHash, int index,
            byte[] nonce) throws IOException {
        Optional<SeekableByteChannel> channel = store.open(tesseraHash, index);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        try (SeekableByteChannel in = channel.get()) {
            Hasher.IncrementalHash proof = hasher.newKeyedHash(nonce);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                proof.update(buffer);
                buffer.clear();
            }
            return Optional.of(proof.finish());
        }
    }
}
