package org.tesseras.storage.s3.internal;

import java.io.IOException;

import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.StorageBackend;

/**
 * The s3 backend outside a framework, for the tests of other modules (shipped in this module's test jar): the
 * real stores and the real rank object in a bucket, without service registrations. Opening it again on the
 * same bucket is a restart; {@link #close()} takes the client down, as stopping the bundle does.
 */
public final class S3TestBackend implements StorageBackend, AutoCloseable {
    private final S3Settings settings;
    private final S3Objects objects;
    private final S3FragmentStore fragments;
    private final S3BlobStore blobs;
    private volatile int rank;

    public S3TestBackend(S3StorageConfiguration config, Hasher hasher) throws IOException {
        this.settings = S3Settings.from(config);
        this.objects = new S3Objects(settings);
        this.fragments = new S3FragmentStore(objects, hasher, settings.capacityBytes());
        this.blobs = new S3BlobStore(objects, hasher);
        this.rank = S3StorageBackend.readRank(objects);
    }

    @Override
    public String name() {
        return S3StorageBackend.NAME;
    }

    @Override
    public String location() {
        return settings.location();
    }

    @Override
    public FragmentStore fragments() {
        return fragments;
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public void rank(int newRank) throws IOException {
        S3StorageBackend.writeRank(objects, newRank);
        this.rank = newRank;
    }

    @Override
    public void close() {
        objects.close();
    }
}
