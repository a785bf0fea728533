package org.tesseras.api.port;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One storage medium (files, an S3 bucket) holding a {@link FragmentStore} and a {@link BlobStore}. A backend
 * registers both stores with its {@link #rank()} as their {@code service.ranking} and its {@link #name()} as
 * {@link #NAME_PROPERTY}; the node uses the stores of the highest-ranked backend (its clients hold greedy
 * references), which is the <em>active</em> one. A backend keeps its rank beside its data, so the choice
 * survives restarts; only a migration that verified every item at a backend raises that backend's rank.
 */
@ProviderType
public interface StorageBackend {
    /** Service property naming the backend, on the backend and on both of its stores. */
    String NAME_PROPERTY = "tesseras.storage.backend";

    /** Its short name ({@code fs}, {@code s3}), unique among the node's backends. */
    String name();

    /** Where it keeps things, for an operator (a directory, a bucket and prefix); never credentials. */
    String location();

    /** Its fragments. */
    FragmentStore fragments();

    /** Its whole tesseras. */
    BlobStore blobs();

    /** Its rank: the {@code service.ranking} of its stores. */
    int rank();

    /** Keeps {@code rank} beside the data, then re-ranks both stores' services to it. */
    void rank(int rank) throws IOException;
}
