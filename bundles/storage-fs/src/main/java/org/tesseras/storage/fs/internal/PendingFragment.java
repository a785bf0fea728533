package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore.FragmentWriter;
import org.tesseras.api.port.Hasher;

/**
 * A fragment being streamed into a temporary file in its tessera's directory. Nothing is visible until
 * {@link #commit}: the length is checked against the plan, the checksum computed (or taken from the
 * producer), the file synced and handed to the store to be checked against the manifest, renamed into place
 * and indexed. Closing without a commit removes the temporary file.
 */
final class PendingFragment implements FragmentWriter {

    /** Puts a synced, checked temporary file in place of fragment {@code index} and indexes it. */
    @FunctionalInterface
    interface Installer {
        StoredFragment install(FragmentPlan plan, int index, ContentHash checksum, Path temp, Optional<NodeId> origin)
                throws IOException;
    }

    private final FragmentPlan plan;
    private final int index;
    private final Path temp;
    private final ShardSink sink;
    private final Installer installer;
    /** The running BLAKE3 of the bytes written, or {@code null} when the producer supplies the checksum. */
    private final Hasher.IncrementalHash hash;
    private long writtenBytes;
    private boolean done;

    /**
     * A fragment written to a new temporary file; {@code uncached} for one kept for a peer, which is not read
     * again soon (see {@link ShardSink}).
     */
    PendingFragment(FragmentPlan plan, int index, ShardFiles files, Hasher hasher, boolean hashing, boolean uncached,
            Installer installer) throws IOException {
        plan.checkIndex(index);
        this.plan = plan;
        this.index = index;
        this.installer = installer;
        this.temp = files.newTemp(plan.tesseraHash(), ShardFiles.shardName(index));
        ShardSink opened = null;
        try {
            opened = uncached ? ShardSink.uncached(temp, files::blockSize) : ShardSink.cached(temp);
        } finally {
            if (opened == null) {
                Files.deleteIfExists(temp);
            }
        }
        this.sink = opened;
        this.hash = hashing ? hasher.newHash() : null;
    }

    /** Writes everything {@code content} yields. */
    void writeAll(InputStream content) throws IOException {
        byte[] buffer = new byte[StorageRoot.BUFFER_BYTES];
        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
            write(ByteBuffer.wrap(buffer, 0, n));
        }
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        if (done) {
            throw new ClosedChannelException();
        }
        int length = source.remaining();
        if (writtenBytes + length > plan.shardSize()) {
            close();
            throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                    + " is longer than its plan's shard size: expected " + plan.shardSize() + " bytes, got at least "
                    + (writtenBytes + length));
        }
        if (hash != null) {
            hash.update(source.duplicate());
        }
        try {
            sink.write(source);
        } catch (IOException | RuntimeException e) {
            // what was hashed is no longer what the file holds: the fragment cannot be committed any more
            close();
            throw e;
        }
        writtenBytes += length;
        return length;
    }

    @Override
    public boolean isOpen() {
        return !done;
    }

    @Override
    public StoredFragment commit() throws IOException {
        if (hash == null) {
            throw new IllegalStateException("fragment " + plan.tesseraHash() + "/" + index
                    + " is checksummed by its source: commit it with that checksum");
        }
        return commit(Optional.empty(), Optional.empty());
    }

    @Override
    public StoredFragment commit(ContentHash checksum) throws IOException {
        return commit(Optional.of(Objects.requireNonNull(checksum, "checksum")), Optional.empty());
    }

    /** Commits with the checksum the bytes must have, if known, and the peer they came from. */
    StoredFragment commit(Optional<ContentHash> expectedChecksum, Optional<NodeId> originPeer) throws IOException {
        if (done) {
            throw new ClosedChannelException();
        }
        try {
            if (writtenBytes != plan.shardSize()) {
                throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                        + " has the wrong length: expected " + plan.shardSize() + " bytes, got " + writtenBytes);
            }
            ContentHash checksum = hash == null ? expectedChecksum.orElseThrow() : hash.finish();
            if (expectedChecksum.isPresent() && !expectedChecksum.get().equals(checksum)) {
                throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                        + " has the wrong checksum: expected " + expectedChecksum.get() + ", got " + checksum);
            }
            sink.finish(writtenBytes);
            sink.close();
            return installer.install(plan, index, checksum, temp, originPeer);
        } finally {
            close();
        }
    }

    /** Discards the fragment unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            sink.close();
        }
        Files.deleteIfExists(temp);
    }
}
