package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.file.Path;

import javax.sql.DataSource;

import org.tesseras.api.port.Hasher;
import org.tesseras.api.storage.StorageBackendSupport;

/**
 * The fs backend outside a framework, for the tests of other modules (shipped in this module's test jar): the
 * real stores and the real rank file under {@code root}, without service registrations. Opening it again on the
 * same root and database is a restart.
 */
public final class FsTestBackend extends StorageBackendSupport {
    private final Path root;

    public FsTestBackend(DataSource database, Hasher hasher, Path root) throws IOException {
        super(FsStorageBackend.NAME, root.toString(), new FsFragmentStore(database, hasher, root),
                new FsBlobStore(hasher, root), FsStorageBackend.readRank(root));
        this.root = root;
    }

    /** The file of shard {@code index} of a tessera, for tests that damage it. */
    public Path shardFile(org.tesseras.api.model.ContentHash tesseraHash, int index) {
        return root.resolve("fragments").resolve(tesseraHash.hex()).resolve(String.format("%03d.shard", index));
    }

    @Override
    protected void keepRank(int newRank) throws IOException {
        FsStorageBackend.writeRank(root, newRank);
    }
}
