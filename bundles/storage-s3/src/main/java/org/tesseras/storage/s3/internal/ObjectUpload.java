package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An object being streamed into the bucket with at most one part in memory: what fits in one part is written
 * with one request at {@link #complete}, anything larger becomes a multipart upload whose parts go out as they
 * fill. Nothing is visible under the key before {@link #complete}; {@link #abort} (or an unfinished upload)
 * leaves nothing behind.
 */
final class ObjectUpload {
    private final S3Objects objects;
    private final String key;
    private final Supplier<Map<String, String>> metadata;
    private final int partSize;
    private byte[] part = new byte[0];
    private int filled;
    private long writtenBytes;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private boolean done;

    /**
     * An upload to {@code key}; {@code metadata} is asked once, when the object's metadata must be sent (at the
     * start of a multipart upload, or at {@link #complete} for a small object).
     */
    ObjectUpload(S3Objects objects, String key, Supplier<Map<String, String>> metadata) {
        this.objects = objects;
        this.key = key;
        this.metadata = metadata;
        this.partSize = (int) objects.partSizeBytes();
    }

    String key() {
        return key;
    }

    long writtenBytes() {
        return writtenBytes;
    }

    /** Buffers the remaining bytes of {@code source}, sending each full part. */
    void write(ByteBuffer source) throws IOException {
        if (done) {
            throw new IOException("the upload of " + key + " is finished");
        }
        while (source.hasRemaining()) {
            if (filled == part.length) {
                if (filled == partSize) {
                    sendPart();
                } else {
                    part = java.util.Arrays.copyOf(part, Math.min(partSize, Math.max(64 * 1024, part.length * 2)));
                }
            }
            int n = Math.min(source.remaining(), part.length - filled);
            source.get(part, filled, n);
            filled += n;
            writtenBytes += n;
        }
    }

    private void sendPart() throws IOException {
        if (uploadId == null) {
            uploadId = objects.startUpload(key, metadata.get());
        }
        parts.add(objects.uploadPart(key, uploadId, parts.size() + 1, part, filled));
        filled = 0;
    }

    /** Whether parts were sent already (the object can only be completed under the key it was started with). */
    boolean multipart() {
        return uploadId != null;
    }

    /** Makes the object visible under its key. */
    void complete() throws IOException {
        complete(key);
    }

    /** Makes the object visible under {@code target}, which may differ from the key only while not {@link #multipart}. */
    void complete(String target) throws IOException {
        if (done) {
            throw new IOException("the upload of " + key + " is finished");
        }
        if (uploadId != null && !target.equals(key)) {
            throw new IllegalStateException("the multipart upload of " + key + " cannot complete as " + target);
        }
        try {
            if (uploadId == null) {
                objects.put(target, part, filled, metadata.get());
            } else {
                if (filled > 0) {
                    sendPart();
                }
                objects.completeUpload(key, uploadId, parts);
            }
            done = true;
        } finally {
            if (!done) {
                abort();
            }
            part = null;
        }
    }

    /** Drops what was sent; a no-op after {@link #complete}. */
    void abort() throws IOException {
        if (done) {
            return;
        }
        done = true;
        part = null;
        if (uploadId != null) {
            objects.abortUpload(key, uploadId);
        }
    }
}
