package org.tesseras.api.storage;

import java.io.IOException;

import org.osgi.framework.BundleContext;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.StorageBackend;

/**
 * What every {@link StorageBackend} is beside its medium: a name, a location, its two stores and a rank kept with
 * its data. A backend says only how it keeps its rank ({@link #keepRank(int)}); re-ranking keeps the rank first, so
 * a failure to keep it leaves the old rank in force, then re-ranks the stores' services when they are registered.
 */
public abstract class StorageBackendSupport implements StorageBackend {
    private final String name;
    private final String location;
    private final FragmentStore fragments;
    private final BlobStore blobs;
    private volatile int rank;
    private StoreRegistrations registrations;

    /** A backend of these stores with the rank kept before (not registered yet). */
    protected StorageBackendSupport(String name, String location, FragmentStore fragments, BlobStore blobs,
            int rank) {
        this.name = name;
        this.location = location;
        this.fragments = fragments;
        this.blobs = blobs;
        this.rank = rank;
    }

    /** Keeps {@code rank} beside the data, so that it survives restarts. */
    protected abstract void keepRank(int rank) throws IOException;

    /** Registers both stores in {@code context} with this backend's name and rank. */
    protected final synchronized void register(BundleContext context) {
        registrations = new StoreRegistrations(context, name, rank, fragments, blobs);
    }

    /** Withdraws both stores' services, if registered. */
    protected final synchronized void unregister() {
        if (registrations != null) {
            registrations.unregister();
            registrations = null;
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String location() {
        return location;
    }

    @Override
    public final FragmentStore fragments() {
        return fragments;
    }

    @Override
    public final BlobStore blobs() {
        return blobs;
    }

    @Override
    public final int rank() {
        return rank;
    }

    @Override
    public final synchronized void rank(int newRank) throws IOException {
        keepRank(newRank);
        this.rank = newRank;
        if (registrations != null) {
            registrations.rank(newRank);
        }
    }
}
