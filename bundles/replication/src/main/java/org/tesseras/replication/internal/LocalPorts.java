package org.tesseras.replication.internal;

import java.time.Clock;
import org.tesseras.api.metrics.NodeMetrics;

import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.TierPolicy;

/**
 * The services a holder works with: its identity, its fragments and the ledger, never the network. Read afresh
 * at each use, so a replaced service (a new store) is picked up without a restart.
 */
interface LocalPorts {
    Hasher hasher();

    NodeIdentity identity();

    IdentityVerifier verifier();

    TierPolicy tiers();

    FragmentStore fragments();

    ReciprocityLedger ledger();

    ReplicationSettings settings();

    /** The time, for what is scheduled or recorded. */
    Clock clock();

    /** Where counts and timings go; {@link NodeMetrics#NONE} while no metrics service runs. */
    NodeMetrics metrics();
}
