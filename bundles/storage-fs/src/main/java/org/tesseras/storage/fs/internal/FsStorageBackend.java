package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import javax.sql.DataSource;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.StorageBackend;
import org.tesseras.api.storage.StorageBackendSupport;

/**
 * The file-system backend {@code fs}: fragments and whole tesseras under one root directory, its rank kept in
 * {@code {root}/storage-fs.rank} (0 when absent, so a node that never migrated uses its files).
 */
@Component(service = StorageBackend.class, configurationPid = StorageConfiguration.PID, immediate = true,
        property = StorageBackend.NAME_PROPERTY + "=" + FsStorageBackend.NAME)
@Designate(ocd = StorageConfiguration.class)
public final class FsStorageBackend extends StorageBackendSupport {
    /** The backend's name. */
    static final String NAME = "fs";
    static final String RANK_FILE = "storage-fs.rank";
    private static final Logger LOG = LoggerFactory.getLogger(FsStorageBackend.class);

    private final Path root;

    /** Opens both stores under the configured root and registers them with the kept rank. */
    @Activate
    public FsStorageBackend(BundleContext context,
            @Reference(name = "database", target = "(tesseras.db=node)") DataSource database,
            @Reference(name = "hasher") Hasher hasher, StorageConfiguration config) throws IOException {
        this(database, hasher, StorageRoot.resolve(config.rootDirectory()), config.peerFragmentsUncached());
        register(context);
        LOG.info("Storage backend fs at {} (rank {})", root, rank());
    }

    private FsStorageBackend(DataSource database, Hasher hasher, Path root, boolean peerFragmentsUncached)
            throws IOException {
        super(NAME, root.toString(), new FsFragmentStore(database, hasher, root, peerFragmentsUncached),
                new FsBlobStore(hasher, root), readRank(root));
        this.root = root;
    }

    /** Withdraws the stores. */
    @Deactivate
    void deactivate() {
        unregister();
    }

    @Override
    protected void keepRank(int newRank) throws IOException {
        writeRank(root, newRank);
        LOG.info("Storage backend fs now has rank {}", newRank);
    }

    /** Keeps {@code rank} under {@code root}, synced and renamed into place. */
    static void writeRank(Path root, int rank) throws IOException {
        Path file = root.resolve(RANK_FILE);
        Path temp = Files.createTempFile(root, RANK_FILE + ".", StorageRoot.TEMP_SUFFIX);
        try {
            Files.writeString(temp, Integer.toString(rank) + "\n", StandardCharsets.US_ASCII);
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            ShardFiles.moveIntoPlace(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The rank kept under {@code root}, 0 when none is; a damaged file stops the backend with its name. */
    static int readRank(Path root) throws IOException {
        String text;
        try {
            text = Files.readString(root.resolve(RANK_FILE), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return 0;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException(root.resolve(RANK_FILE) + " must hold the backend's rank as a whole number, got '"
                    + text + "'; fix or remove it (removed means rank 0)", e);
        }
    }
}
