package org.tesseras.replication.internal;

import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.TierPolicy;

/**
 * The services replication works with, read afresh at each use so that a replaced service (a new
 * store, coder or tier policy) is picked up without restarting replication.
 */
interface Ports {
    Hasher hasher();

    NodeIdentity identity();

    IdentityVerifier verifier();

    ErasureCoder coder();

    TierPolicy tiers();

    FragmentStore fragments();

    BlobStore blobs();

    ReciprocityLedger ledger();

    HolderRegistry holders();

    DhtPort dht();

    ReplicationSettings settings();
}
