package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;

/**
 * BLAKE3 whose reads of a held file fail, once armed, as a disk's read error (EIO) would: no such error can be made
 * on this machine's disks (root reads any file), and the stores read a held copy through
 * {@link Hasher#hash(ReadableByteChannel)} only. Bytes arriving to be stored are hashed as before.
 */
final class UnreadableHeldCopies implements Hasher {
    private final Blake3Hasher blake3 = new Blake3Hasher();
    private volatile boolean failing;

    /** From now on every read of a held file fails. */
    void failReads() {
        failing = true;
    }

    @Override
    public Hashed hash(ReadableByteChannel in) throws IOException {
        if (failing) {
            throw new IOException("Input/output error");
        }
        return blake3.hash(in);
    }

    @Override
    public IncrementalHash newHash() {
        return blake3.newHash();
    }

    @Override
    public IncrementalHash newKeyedHash(byte[] key) {
        return blake3.newKeyedHash(key);
    }
}
