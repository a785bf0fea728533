package org.tesseras.storage.s3.internal;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.StorageBackend;

/**
 * The two store services of a backend, registered with its name and rank; re-ranking them changes only their
 * properties, so clients with greedy references move to (or away from) them without anything restarting.
 */
final class StoreRegistrations {
    private final String backend;
    private final ServiceRegistration<FragmentStore> fragments;
    private final ServiceRegistration<BlobStore> blobs;

    StoreRegistrations(BundleContext context, String backend, int rank, FragmentStore fragmentStore,
            BlobStore blobStore) {
        this.backend = backend;
        this.fragments = context.registerService(FragmentStore.class, fragmentStore, properties(rank));
        ServiceRegistration<BlobStore> registered = null;
        try {
            registered = context.registerService(BlobStore.class, blobStore, properties(rank));
        } finally {
            if (registered == null) {
                fragments.unregister();
            }
        }
        this.blobs = registered;
    }

    /** Gives both services {@code rank}. */
    void rank(int rank) {
        fragments.setProperties(properties(rank));
        blobs.setProperties(properties(rank));
    }

    /** Withdraws both services (the blob store first: a put starts there). */
    void unregister() {
        try {
            blobs.unregister();
        } catch (IllegalStateException gone) {
            // the framework has taken it down already
        }
        try {
            fragments.unregister();
        } catch (IllegalStateException gone) {
            // the framework has taken it down already
        }
    }

    private Dictionary<String, Object> properties(int rank) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(StorageBackend.NAME_PROPERTY, backend);
        properties.put(Constants.SERVICE_RANKING, rank);
        return properties;
    }
}
