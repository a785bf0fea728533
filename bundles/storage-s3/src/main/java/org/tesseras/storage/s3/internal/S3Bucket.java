package org.tesseras.storage.s3.internal;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Hasher;

/** A configured bucket opened for a backend: its client, both stores indexed from it, and the rank kept in it. */
record S3Bucket(S3Settings settings, S3Objects objects, S3FragmentStore fragments, S3BlobStore blobs, int rank) {
    private static final Logger LOG = LoggerFactory.getLogger(S3Bucket.class);

    /** Connects and indexes the bucket; on failure the client is closed and the failure logged and thrown. */
    static S3Bucket open(S3Settings settings, Hasher hasher) throws IOException {
        S3Objects objects = new S3Objects(settings);
        try {
            return new S3Bucket(settings, objects, new S3FragmentStore(objects, hasher, settings.capacityBytes()),
                    new S3BlobStore(objects, hasher), S3StorageBackend.readRank(objects));
        } catch (IOException | RuntimeException e) {
            objects.close();
            LOG.error("Storage backend s3 at {} unavailable: {}", settings.location(), e.getMessage());
            throw e;
        }
    }
}
