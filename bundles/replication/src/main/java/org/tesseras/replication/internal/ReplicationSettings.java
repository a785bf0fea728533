package org.tesseras.replication.internal;

import java.time.Duration;

/** Validated replication settings; see {@link ReplicationConfiguration} for what each means. */
record ReplicationSettings(Duration repairInterval, Duration repairJitter, int maxConcurrentTransfers,
        long minFreeSpaceBytes, long acceptDeficitUpToBytes, long maxStoragePerPeerBytes, int maxPeersPerSubnet,
        int maxFailedAttestations, boolean repairLoopEnabled, Duration firstRepairRoundDelay, Duration announceInterval,
        Duration ownerSilenceBeforeCustody, Duration putDeadline, Duration repairRoundDeadline,
        PeerLimits peerLimits) {

    /** The defaults of DESIGN.md §6. */
    static final ReplicationSettings DEFAULTS = new ReplicationSettings(Duration.ofHours(24), Duration.ofHours(2), 4,
            1L << 30, 256L << 20, 1L << 30, 2, 3, true, Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(7),
            Duration.ofHours(6), Duration.ofHours(6), PeerLimits.DEFAULTS);

    ReplicationSettings {
        positive("repairIntervalSeconds", repairInterval.toSeconds());
        notNegative("repairJitterSeconds", repairJitter.toSeconds());
        positive("maxConcurrentTransfers", maxConcurrentTransfers);
        notNegative("minFreeSpaceBytes", minFreeSpaceBytes);
        notNegative("acceptDeficitUpToBytes", acceptDeficitUpToBytes);
        notNegative("maxStoragePerPeerBytes", maxStoragePerPeerBytes);
        positive("maxPeersPerSubnet", maxPeersPerSubnet);
        positive("maxFailedAttestations", maxFailedAttestations);
        notNegative("firstRepairRoundDelaySeconds", firstRepairRoundDelay.toSeconds());
        positive("announceIntervalSeconds", announceInterval.toSeconds());
        positive("ownerSilenceBeforeCustodySeconds", ownerSilenceBeforeCustody.toSeconds());
        positive("putDeadlineSeconds", putDeadline.toSeconds());
        positive("repairRoundDeadlineSeconds", repairRoundDeadline.toSeconds());
        java.util.Objects.requireNonNull(peerLimits, "peerLimits");
    }

    /** These settings with other {@code limits}. */
    ReplicationSettings withPeerLimits(PeerLimits limits) {
        return new ReplicationSettings(repairInterval, repairJitter, maxConcurrentTransfers, minFreeSpaceBytes,
                acceptDeficitUpToBytes, maxStoragePerPeerBytes, maxPeersPerSubnet, maxFailedAttestations,
                repairLoopEnabled, firstRepairRoundDelay, announceInterval, ownerSilenceBeforeCustody, putDeadline,
                repairRoundDeadline, limits);
    }

    /** Reads and checks a configuration; a bad value throws naming its property. */
    static ReplicationSettings from(ReplicationConfiguration config) {
        return new ReplicationSettings(Duration.ofSeconds(config.repairIntervalSeconds()),
                Duration.ofSeconds(config.repairJitterSeconds()), config.maxConcurrentTransfers(),
                config.minFreeSpaceBytes(), config.acceptDeficitUpToBytes(), config.maxStoragePerPeerBytes(),
                config.maxPeersPerSubnet(), config.maxFailedAttestations(), config.repairLoopEnabled(),
                Duration.ofSeconds(config.firstRepairRoundDelaySeconds()),
                Duration.ofSeconds(config.announceIntervalSeconds()),
                Duration.ofSeconds(config.ownerSilenceBeforeCustodySeconds()),
                Duration.ofSeconds(config.putDeadlineSeconds()), Duration.ofSeconds(config.repairRoundDeadlineSeconds()),
                PeerLimits.from(config));
    }

    /** Settings with another announcement interval and owner silence (tests shorten both). */
    ReplicationSettings withSurvival(Duration announce, Duration ownerSilence) {
        return new ReplicationSettings(repairInterval, repairJitter, maxConcurrentTransfers, minFreeSpaceBytes,
                acceptDeficitUpToBytes, maxStoragePerPeerBytes, maxPeersPerSubnet, maxFailedAttestations,
                repairLoopEnabled, firstRepairRoundDelay, announce, ownerSilence, putDeadline, repairRoundDeadline,
                peerLimits);
    }

    /** Settings with other deadlines for a put's placement and a repair round (tests shorten both). */
    ReplicationSettings withDeadlines(Duration put, Duration repairRound) {
        return new ReplicationSettings(repairInterval, repairJitter, maxConcurrentTransfers, minFreeSpaceBytes,
                acceptDeficitUpToBytes, maxStoragePerPeerBytes, maxPeersPerSubnet, maxFailedAttestations,
                repairLoopEnabled, firstRepairRoundDelay, announceInterval, ownerSilenceBeforeCustody, put,
                repairRound, peerLimits);
    }

    /** The repair schedule these settings make for the node whose jitter is drawn with {@code nodeSeed}. */
    RepairSchedule repairSchedule(long nodeSeed) {
        return new RepairSchedule(repairInterval, repairJitter, firstRepairRoundDelay, nodeSeed);
    }

    private static void positive(String property, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(ReplicationConfiguration.PID + " " + property + " must be >= 1, got "
                    + value);
        }
    }

    private static void notNegative(String property, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(ReplicationConfiguration.PID + " " + property + " must be >= 0, got "
                    + value);
        }
    }
}
