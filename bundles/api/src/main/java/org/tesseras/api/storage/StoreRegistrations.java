package org.tesseras.api.storage;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.StorageBackend;

/**
 * The two store services of a {@link StorageBackend}, registered with its name and rank: what every backend
 * bundle does with its stores. Re-ranking registers them anew with
 * the new rank before withdrawing the old registrations: clients with greedy references move to the
 * higher-ranked stores on the new registration (SCR does not rebind on a mere change of {@code service.ranking}),
 * and never see a moment without a store.
 */
public final class StoreRegistrations {
    private final BundleContext context;
    private final String backend;
    private final FragmentStore fragmentStore;
    private final BlobStore blobStore;
    private ServiceRegistration<FragmentStore> fragments;
    private ServiceRegistration<BlobStore> blobs;

    /** Registers both stores of {@code backend} with {@code rank} in {@code context}. */
    public StoreRegistrations(BundleContext context, String backend, int rank, FragmentStore fragmentStore,
            BlobStore blobStore) {
        this.context = context;
        this.backend = backend;
        this.fragmentStore = fragmentStore;
        this.blobStore = blobStore;
        register(rank);
    }

    /** Gives both services {@code rank}: registered again with it, then the previous registrations withdrawn. */
    public synchronized void rank(int rank) {
        ServiceRegistration<FragmentStore> oldFragments = fragments;
        ServiceRegistration<BlobStore> oldBlobs = blobs;
        register(rank);
        withdraw(oldBlobs);
        withdraw(oldFragments);
    }

    /** Withdraws both services (the blob store first: a put starts there). */
    public synchronized void unregister() {
        withdraw(blobs);
        withdraw(fragments);
    }

    private void register(int rank) {
        ServiceRegistration<FragmentStore> newFragments = context.registerService(FragmentStore.class, fragmentStore,
                properties(rank));
        try {
            this.blobs = context.registerService(BlobStore.class, blobStore, properties(rank));
        } catch (RuntimeException e) {
            withdraw(newFragments);
            throw e;
        }
        this.fragments = newFragments;
    }

    private static void withdraw(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
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
