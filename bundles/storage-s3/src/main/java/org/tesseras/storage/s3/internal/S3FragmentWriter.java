package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.Map;
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
 * A fragment being streamed into the bucket under its final key, invisible until {@link #commit}: the length is
 * checked against the plan, the checksum computed (or taken from the producer) and checked against the
 * manifest, and only then is the upload completed and the fragment indexed. Closing without a commit aborts
 * the upload.
 */
final class S3FragmentWriter implements FragmentWriter {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final S3FragmentStore store;
    private final FragmentPlan plan;
    private final int index;
    private final Optional<NodeId> origin;
    private final ObjectUpload upload;
    /** The running BLAKE3 of the bytes written, or {@code null} when the producer supplies the checksum. */
    private final Hasher.IncrementalHash hash;
    private volatile ContentHash committedChecksum;
    private boolean done;

    S3FragmentWriter(S3FragmentStore store, S3Objects objects, FragmentPlan plan, int index, Hasher hasher,
            boolean hashing, Optional<NodeId> origin) {
        plan.checkIndex(index);
        this.store = store;
        this.plan = plan;
        this.index = index;
        this.origin = origin;
        this.hash = hashing ? hasher.newHash() : null;
        this.upload = new ObjectUpload(objects, objects.key(S3Layout.shard(plan.tesseraHash(), index)),
                this::metadata);
    }

    /** The object's metadata: its checksum (the manifest's until the writer knows its own) and origin. */
    private Map<String, String> metadata() {
        Map<String, String> metadata = new HashMap<>();
        ContentHash checksum = committedChecksum != null ? committedChecksum
                : store.manifest(plan.tesseraHash()).map(m -> m.checksum(index)).orElse(null);
        if (checksum != null) {
            metadata.put(S3Layout.CHECKSUM_METADATA, checksum.hex());
        }
        origin.ifPresent(peer -> metadata.put(S3Layout.ORIGIN_METADATA, peer.hex()));
        return metadata;
    }

    /** Writes everything {@code content} yields. */
    void writeAll(InputStream content) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
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
        if (upload.writtenBytes() + length > plan.shardSize()) {
            close();
            throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                    + " is longer than its plan's shard size: expected " + plan.shardSize() + " bytes, got at least "
                    + (upload.writtenBytes() + length));
        }
        if (hash != null) {
            hash.update(source.duplicate());
        }
        upload.write(source);
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
        return commit(Optional.empty());
    }

    @Override
    public StoredFragment commit(ContentHash checksum) throws IOException {
        return commit(Optional.of(Objects.requireNonNull(checksum, "checksum")));
    }

    /** Commits with the checksum the bytes must have, if known. */
    StoredFragment commit(Optional<ContentHash> expectedChecksum) throws IOException {
        if (done) {
            throw new ClosedChannelException();
        }
        try {
            if (upload.writtenBytes() != plan.shardSize()) {
                throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                        + " has the wrong length: expected " + plan.shardSize() + " bytes, got "
                        + upload.writtenBytes());
            }
            ContentHash checksum = hash == null ? expectedChecksum.orElseThrow() : hash.finish();
            if (expectedChecksum.isPresent() && !expectedChecksum.get().equals(checksum)) {
                throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                        + " has the wrong checksum: expected " + expectedChecksum.get() + ", got " + checksum);
            }
            committedChecksum = checksum;
            return store.install(plan, index, checksum, this, origin);
        } finally {
            close();
        }
    }

    /** Completes the upload: the fragment becomes visible under its key. */
    void completeUpload() throws IOException {
        upload.complete();
    }

    /** Discards the fragment unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            upload.abort();
        }
    }
}
