package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.StorageBackend;
import org.tesseras.api.storage.StorageBackendSupport;

/**
 * The S3 backend {@code s3}: fragments and whole tesseras in a bucket of S3-compatible object storage, its rank
 * kept in the object {@code {prefix}storage-s3.rank} (-1 when absent, below the file-system backend, so a
 * bucket becomes active only through a migration to it). It starts once {@code org.tesseras.storage.s3} is
 * configured; stopping it closes the client, and whatever was under way on it fails at once.
 */
@Component(service = StorageBackend.class, configurationPid = S3StorageConfiguration.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageBackend.NAME_PROPERTY + "=" + S3StorageBackend.NAME)
@Designate(ocd = S3StorageConfiguration.class)
public final class S3StorageBackend extends StorageBackendSupport {
    /** The backend's name. */
    static final String NAME = "s3";
    /** The rank of a bucket no migration has chosen. */
    static final int UNCHOSEN_RANK = -1;
    private static final Logger LOG = LoggerFactory.getLogger(S3StorageBackend.class);

    private final S3Objects objects;

    /** Connects to the configured bucket, indexes it and registers both stores with the kept rank. */
    @Activate
    public S3StorageBackend(BundleContext context, @Reference(name = "hasher") Hasher hasher,
            S3StorageConfiguration config) throws IOException {
        this(S3Bucket.open(S3Settings.from(config), hasher));
        register(context);
        LOG.info("Storage backend s3 at {} (rank {})", location(), rank());
    }

    private S3StorageBackend(S3Bucket bucket) {
        super(NAME, bucket.settings().location(), bucket.fragments(), bucket.blobs(), bucket.rank());
        this.objects = bucket.objects();
    }

    /** Withdraws the stores and closes the client. */
    @Deactivate
    void deactivate() {
        unregister();
        objects.close();
        LOG.info("Storage backend s3 at {} stopped", location());
    }

    @Override
    protected void keepRank(int newRank) throws IOException {
        writeRank(objects, newRank);
        LOG.info("Storage backend s3 now has rank {}", newRank);
    }

    /** Keeps {@code rank} in the bucket. */
    static void writeRank(S3Objects objects, int rank) throws IOException {
        byte[] text = (rank + "\n").getBytes(StandardCharsets.US_ASCII);
        objects.put(objects.key(S3Layout.RANK), text, text.length, Map.of());
    }

    /** The rank kept in the bucket, {@link #UNCHOSEN_RANK} when none is. */
    static int readRank(S3Objects objects) throws IOException {
        Optional<byte[]> kept = objects.getBytes(objects.key(S3Layout.RANK));
        if (kept.isEmpty()) {
            return UNCHOSEN_RANK;
        }
        String text = new String(kept.get(), StandardCharsets.US_ASCII).strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException("the object " + objects.key(S3Layout.RANK) + " in bucket " + objects.bucket()
                    + " must hold the backend's rank as a whole number, got '" + text
                    + "'; fix or remove it (removed means rank " + UNCHOSEN_RANK + ")", e);
        }
    }
}
