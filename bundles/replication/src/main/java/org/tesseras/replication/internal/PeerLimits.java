package org.tesseras.replication.internal;

/**
 * What one network or one peer may take from this node as a holder, whatever NodeIds it shows: the aggregate
 * reciprocity allowance of one IPv4 /24 or IPv6 /48, and how often one peer may ask for an attestation. See
 * {@link ReplicationConfiguration} for what each means.
 */
record PeerLimits(long acceptDeficitPerSubnetUpToBytes, long maxStoragePerSubnetBytes,
        int maxAttestationsPerPeerPerMinute) {

    /** Two peers' worth per subnet (the defaults of {@code acceptDeficitUpToBytes} and {@code maxStoragePerPeerBytes}). */
    static final PeerLimits DEFAULTS = new PeerLimits(512L << 20, 2L << 30, 120);

    PeerLimits {
        check("acceptDeficitPerSubnetUpToBytes", acceptDeficitPerSubnetUpToBytes, 0);
        check("maxStoragePerSubnetBytes", maxStoragePerSubnetBytes, 0);
        check("maxAttestationsPerPeerPerMinute", maxAttestationsPerPeerPerMinute, 1);
    }

    static PeerLimits from(ReplicationConfiguration config) {
        return new PeerLimits(config.acceptDeficitPerSubnetUpToBytes(), config.maxStoragePerSubnetBytes(),
                config.maxAttestationsPerPeerPerMinute());
    }

    /** The same limits without any per-subnet ceiling (test networks where every node shares one address). */
    PeerLimits withoutSubnetCeiling() {
        return new PeerLimits(Long.MAX_VALUE, Long.MAX_VALUE, maxAttestationsPerPeerPerMinute);
    }

    private static void check(String property, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(ReplicationConfiguration.PID + " " + property + " must be >= " + min
                    + ", got " + value);
        }
    }
}
