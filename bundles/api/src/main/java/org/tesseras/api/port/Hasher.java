package org.tesseras.api.port;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.ContentHash;

/** BLAKE3: one-shot, incremental and keyed hashing, the one hash of the node. */
@ProviderType
public interface Hasher {

    /** BLAKE3 of {@code data}. */
    default ContentHash hash(byte[] data) {
        return newHash().update(data, 0, data.length).finish();
    }

    /** BLAKE3 of the remaining bytes of {@code data}; consumes them. */
    default ContentHash hash(ByteBuffer data) {
        return newHash().update(data).finish();
    }

    /** BLAKE3 of everything {@code in} yields; does not close it. */
    default ContentHash hash(InputStream in) throws IOException {
        IncrementalHash hash = newHash();
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            hash.update(buffer, 0, n);
        }
        return hash.finish();
    }

    /** BLAKE3 and length of everything {@code in} yields; does not close it. */
    default Hashed hash(ReadableByteChannel in) throws IOException {
        IncrementalHash hash = newHash();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long length = 0;
        while (in.read(buffer) >= 0) {
            buffer.flip();
            length += buffer.remaining();
            hash.update(buffer);
            buffer.clear();
        }
        return new Hashed(hash.finish(), length);
    }

    /**
     * Copies everything {@code in} yields to {@code out}, hashing on the way, and returns the BLAKE3 and length
     * of what was copied; closes neither.
     */
    default Hashed copy(InputStream in, WritableByteChannel out) throws IOException {
        IncrementalHash hash = newHash();
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            hash.update(buffer, 0, n);
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            length += n;
        }
        return new Hashed(hash.finish(), length);
    }

    /** BLAKE3 keyed with a 32-byte {@code key} over {@code data}. */
    default ContentHash keyedHash(byte[] key, byte[] data) {
        return newKeyedHash(key).update(data, 0, data.length).finish();
    }

    /** A fresh incremental BLAKE3. */
    IncrementalHash newHash();

    /** A fresh incremental BLAKE3 keyed with a 32-byte {@code key}. */
    IncrementalHash newKeyedHash(byte[] key);

    /** The BLAKE3 of some bytes and how many there were. */
    record Hashed(ContentHash checksum, long length) {
    }

    /** A hash fed piece by piece; not thread-safe, finished once. */
    interface IncrementalHash {
        /** Feeds {@code length} bytes of {@code data} from {@code offset}. */
        IncrementalHash update(byte[] data, int offset, int length);

        /** Feeds the remaining bytes of {@code data}, consuming them. */
        IncrementalHash update(ByteBuffer data);

        /** The digest of everything fed so far. */
        ContentHash finish();
    }
}
