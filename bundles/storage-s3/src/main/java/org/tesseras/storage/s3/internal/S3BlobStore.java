package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.Hasher;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The owner's whole tesseras as objects {@code {prefix}blobs/{hash}}. A blob is hashed while it is uploaded:
 * one that fits in a part is written under its name once its hash is known; a larger one is uploaded in parts
 * under a temporary key and copied to its name inside the bucket, so a blob is either whole under its true name
 * or absent.
 */
final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final S3Objects objects;
    private final Hasher hasher;
    private final S3Quarantine quarantine;
    /** Held (by hash) while a written blob is put under its name: two writers of one tessera never undo each other. */
    private final Object[] placing = new Object[64];

    /** Opens the store, removing temporary objects and uploads left unfinished by a crash. */
    S3BlobStore(S3Objects objects, Hasher hasher) throws IOException {
        this.objects = objects;
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.quarantine = new S3Quarantine(objects, "blob");
        Arrays.setAll(placing, i -> new Object());
        int removed = 0;
        for (S3Object temporary : objects.list(S3Layout.TEMPORARY)) {
            objects.delete(temporary.key());
            removed++;
        }
        int aborted = 0;
        try {
            for (MultipartUpload upload : objects.unfinishedUploads(Instant.now())) {
                objects.abortUpload(upload.key(), upload.uploadId());
                aborted++;
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the unfinished uploads in bucket {} (they cost space until the bucket's lifecycle"
                    + " rules remove them): {}", objects.bucket(), e.getMessage());
        }
        LOG.info("Blob store in bucket {} at {} ({} unfinished object(s) removed, {} upload(s) aborted)",
                objects.bucket(), objects.key(S3Layout.BLOBS), removed, aborted);
    }

    @Override
    public ContentHash write(InputStream content) throws IOException {
        Objects.requireNonNull(content, "content");
        String temporary = objects.key(S3Layout.TEMPORARY + "blob-" + UUID.randomUUID());
        Hasher.IncrementalHash hash = hasher.newHash();
        ObjectUpload upload = new ObjectUpload(objects, temporary, Map::of);
        try {
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
                hash.update(buffer, 0, n);
                upload.write(ByteBuffer.wrap(buffer, 0, n));
            }
            ContentHash tesseraHash = hash.finish();
            String target = objects.key(S3Layout.blob(tesseraHash));
            synchronized (placing[Math.floorMod(tesseraHash.hashCode(), placing.length)]) {
                FragmentCheck held = objects.head(target).isPresent() ? heldCheck(tesseraHash) : FragmentCheck.MISSING;
                if (held == FragmentCheck.GOOD) {
                    LOG.debug("Tessera {} already held", tesseraHash);
                    return tesseraHash;
                }
                if (held == FragmentCheck.CORRUPT) {
                    // the copy kept here rotted; the bytes just written hash to the name: a copy of the rotten
                    // object goes to quarantine and the checked one overwrites it, never leaving the name empty
                    quarantine.keep(target, tesseraHash.hex(), "it no longer hashes to its name; replaced by a"
                            + " checked copy of the same tessera written again");
                }
                if (upload.multipart()) {
                    // parts went out under the temporary key; the name is known only now
                    upload.complete();
                    objects.copy(temporary, target, Map.of());
                    objects.delete(temporary);
                } else {
                    upload.complete(target);
                }
            }
            LOG.info("Stored tessera {} ({} bytes)", tesseraHash, upload.writtenBytes());
            return tesseraHash;
        } finally {
            discard(upload);
        }
    }

    /**
     * The held object checked against its name. One that cannot be read now is taken as GOOD (as before this check
     * existed): a failed request says nothing about its bytes, and verify and repair look again.
     */
    private FragmentCheck heldCheck(ContentHash tesseraHash) {
        try {
            return verify(tesseraHash);
        } catch (IOException e) {
            LOG.warn("Cannot read the kept copy of {} to check it ({}); it is kept as it is", tesseraHash,
                    e.toString());
            return FragmentCheck.GOOD;
        }
    }

    /** Drops an upload that did not complete, and its temporary object; a failure here is only logged. */
    private void discard(ObjectUpload upload) {
        boolean started = upload.multipart();
        try {
            upload.abort();
            if (started) {
                objects.delete(upload.key());
            }
        } catch (IOException e) {
            LOG.warn("Cannot remove the temporary object {} (it is removed at the next start): {}", upload.key(),
                    e.getMessage());
        }
    }

    @Override
    public Optional<SeekableByteChannel> read(ContentHash tesseraHash) throws IOException {
        String key = objects.key(S3Layout.blob(tesseraHash));
        Optional<ResponseInputStream<GetObjectResponse>> first = objects.get(key, 0);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        long size = S3Objects.length(first.get(), key);
        return Optional.of(new ObjectChannel(objects, key, size, first.get()));
    }

    @Override
    public boolean exists(ContentHash tesseraHash) {
        return size(tesseraHash).isPresent();
    }

    @Override
    public OptionalLong size(ContentHash tesseraHash) {
        String key = objects.key(S3Layout.blob(tesseraHash));
        try {
            Optional<HeadObjectResponse> head = objects.head(key);
            return head.isEmpty() ? OptionalLong.empty()
                    : OptionalLong.of(S3Objects.length(head.get().contentLength(), key));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(ContentHash tesseraHash) throws IOException {
        String key = objects.key(S3Layout.blob(tesseraHash));
        boolean existed = objects.head(key).isPresent();
        objects.delete(key);
        if (existed) {
            LOG.info("Deleted tessera {}", tesseraHash);
        }
        return existed;
    }

    @Override
    public List<ContentHash> list() {
        List<ContentHash> held = new ArrayList<>();
        try {
            for (S3Object object : objects.list(S3Layout.BLOBS)) {
                String name = objects.relative(object.key()).substring(S3Layout.BLOBS.length());
                if (ContentHash.isValid(name)) {
                    held.add(ContentHash.of(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the blobs in bucket " + objects.bucket() + ": "
                    + e.getMessage(), e);
        }
        held.sort(null);
        return held;
    }

    @Override
    public FragmentCheck verify(ContentHash tesseraHash) throws IOException {
        Optional<ResponseInputStream<GetObjectResponse>> content = objects.get(objects.key(S3Layout.blob(tesseraHash)),
                0);
        if (content.isEmpty()) {
            return FragmentCheck.MISSING;
        }
        ContentHash actual;
        try (InputStream in = content.get()) {
            actual = hasher.hash(in);
        }
        if (!actual.equals(tesseraHash)) {
            LOG.warn("Tessera {} is CORRUPT: its object now hashes to {}", tesseraHash, actual);
            return FragmentCheck.CORRUPT;
        }
        return FragmentCheck.GOOD;
    }

    @Override
    public boolean quarantine(ContentHash tesseraHash, String reason) throws IOException {
        String key = objects.key(S3Layout.blob(tesseraHash));
        if (objects.head(key).isEmpty()) {
            return false;
        }
        quarantine.move(key, tesseraHash.hex(), reason);
        return true;
    }

    @Override
    public List<QuarantinedFile> quarantined() {
        return quarantine.list();
    }
}
