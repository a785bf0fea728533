package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.file.Path;

import javax.sql.DataSource;

import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.StorageBackend;

/**
 * The fs backend outside a framework, for the tests of other modules (shipped in this module's test jar): the
 * real stores and the real rank file under {@code root}, without service registrations. Opening it again on the
 * same root and database is a restart.
 */
public final class FsTestBackend implements StorageBackend {
    private final Path root;
    private final FsFragmentStore fragments;
    private final FsBlobStore blobs;
    private volatile int rank;

    public FsTestBackend(DataSource database, Hasher hasher, Path root) throws IOException {
        this.root = root;
        this.fragments = new FsFragmentStore(database, hasher, this.root);
        this.blobs = new FsBlobStore(hasher, this.root);
        this.rank = FsStorageBackend.readRank(this.root);
    }

    /** The file of shard {@code index} of a tessera, for tests that damage it. */
    public Path shardFile(org.tesseras.api.model.ContentHash tesseraHash, int index) {
        return root.resolve("fragments").resolve(tesseraHash.hex()).resolve(String.format("%03d.shard", index));
    }

    @Override
    public String name() {
        return FsStorageBackend.NAME;
    }

    @Override
    public String location() {
        return root.toString();
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
        FsStorageBackend.writeRank(root, newRank);
        this.rank = newRank;
    }
}
