package org.tesseras.storage.s3.internal;

import java.io.IOException;

import org.tesseras.api.port.Hasher;
import org.tesseras.api.storage.StorageBackendSupport;

/**
 * The s3 backend outside a framework, for the tests of other modules (shipped in this module's test jar): the
 * real stores and the real rank object in a bucket, without service registrations. Opening it again on the
 * same bucket is a restart; {@link #close()} takes the client down, as stopping the bundle does.
 */
public final class S3TestBackend extends StorageBackendSupport implements AutoCloseable {
    private final S3Objects objects;

    public S3TestBackend(S3StorageConfiguration config, Hasher hasher) throws IOException {
        this(S3Bucket.open(S3Settings.from(config), hasher));
    }

    private S3TestBackend(S3Bucket bucket) {
        super(S3StorageBackend.NAME, bucket.settings().location(), bucket.fragments(), bucket.blobs(), bucket.rank());
        this.objects = bucket.objects();
    }

    @Override
    protected void keepRank(int newRank) throws IOException {
        S3StorageBackend.writeRank(objects, newRank);
    }

    @Override
    public void close() {
        objects.close();
    }
}
