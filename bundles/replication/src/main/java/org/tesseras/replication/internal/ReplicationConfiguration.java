package org.tesseras.replication.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of replication (PID {@code org.tesseras.replication}). */
@ObjectClassDefinition(name = "Tesseras replication",
        description = "Placement, acceptance limits and the repair cycle of the node.")
public @interface ReplicationConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.replication";

    @AttributeDefinition(name = "Repair interval (seconds)",
            description = "Time between two repair rounds, before jitter (default 24 h).", min = "1")
    long repairIntervalSeconds() default 24 * 3600;

    @AttributeDefinition(name = "Repair jitter (seconds)",
            description = "A uniform random delay up to this is added to each interval (default 2 h).", min = "0")
    long repairJitterSeconds() default 2 * 3600;

    @AttributeDefinition(name = "Concurrent transfers",
            description = "Fragments pushed or fetched at once by one operation.", min = "1")
    int maxConcurrentTransfers() default 4;

    @AttributeDefinition(name = "Minimum free space (bytes)",
            description = "Fragments from peers are refused when storing them would leave less free disk.", min = "0")
    long minFreeSpaceBytes() default 1L << 30;

    @AttributeDefinition(name = "Accepted deficit (bytes)",
            description = "A peer may owe us at most this much (bytes we store for it minus bytes it stores for us).",
            min = "0")
    long acceptDeficitUpToBytes() default 256L << 20;

    @AttributeDefinition(name = "Storage per peer (bytes)",
            description = "We store at most this much for any one peer.", min = "0")
    long maxStoragePerPeerBytes() default 1L << 30;

    @AttributeDefinition(name = "Accepted deficit per subnet (bytes)",
            description = "All the peers of one IPv4 /24 or IPv6 /48 together may owe us at most this much, however"
                    + " many NodeIds they show (default: two peers' acceptDeficitUpToBytes).", min = "0")
    long acceptDeficitPerSubnetUpToBytes() default 512L << 20;

    @AttributeDefinition(name = "Storage per subnet (bytes)",
            description = "We store at most this much for all the peers of one IPv4 /24 or IPv6 /48 together"
                    + " (default: two peers' maxStoragePerPeerBytes).", min = "0")
    long maxStoragePerSubnetBytes() default 2L << 30;

    @AttributeDefinition(name = "Attestations per peer per minute",
            description = "A peer may ask this node for at most this many attestations a minute (each one reads"
                    + " every fragment held of a tessera); more are answered BUSY.", min = "1")
    int maxAttestationsPerPeerPerMinute() default 120;

    @AttributeDefinition(name = "Peers per subnet",
            description = "At most this many holders of one tessera per IPv4 /24 or IPv6 /48. Raise it only for "
                    + "test networks on one host.", min = "1")
    int maxPeersPerSubnet() default 2;

    @AttributeDefinition(name = "Attestation failures before loss",
            description = "A holder that answers pings but fails this many attestations in a row counts as lost.",
            min = "1")
    int maxFailedAttestations() default 3;

    @AttributeDefinition(name = "First repair round delay (seconds)",
            description = "A repair round that is overdue (or was never run) starts this long after the node starts"
                    + " (default 5 min); later rounds follow the last one by the interval, across restarts.",
            min = "0")
    long firstRepairRoundDelaySeconds() default 300;

    @AttributeDefinition(name = "Announcement interval (seconds)",
            description = "How often this node republishes its signed pointers: the owner's record of each tessera it"
                    + " owns, its catalogue, and its own holder record of each tessera it holds fragments of"
                    + " (default 1 h; the DHT keeps a pointer for its pointerTtlSeconds, 24 h).", min = "1")
    long announceIntervalSeconds() default 3600;

    @AttributeDefinition(name = "Owner silence before custody (seconds)",
            description = "When a tessera's owner has not republished its pointer for this long, the live holders"
                    + " take over its health checks and repair, led by the holder closest to its key (default 7"
                    + " days). The owner takes over again when it returns.", min = "1")
    long ownerSilenceBeforeCustodySeconds() default 7 * 24 * 3600;

    @AttributeDefinition(name = "Put deadline (seconds)",
            description = "How long a put (or the placing of a tessera kept but not yet placed) may spend encoding and"
                    + " pushing fragments (default 6 h): no fragment push starts after it, the put ends INCOMPLETE"
                    + " and the repair loop places the rest. A slow or trickling peer never holds a put forever.",
            min = "1")
    long putDeadlineSeconds() default 6 * 3600;

    @AttributeDefinition(name = "Repair round deadline (seconds)",
            description = "How long one repair round may run (default 6 h): after it, no further tessera is repaired"
                    + " and no push starts in this round; the next round starts with the most endangered.",
            min = "1")
    long repairRoundDeadlineSeconds() default 6 * 3600;

    @AttributeDefinition(name = "Repair loop enabled",
            description = "Run repair rounds on the interval; repairs can always be started from the shell.")
    boolean repairLoopEnabled() default true;
}
