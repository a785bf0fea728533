package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.port.ProgressListener;

/** Holders that limit the attestations they answer, on the in-memory network with real stores and Derby. */
class AttestationLimitTest {
    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anOwnerCheckingMoreOftenThanItsHoldersAnswerIsToldBusyWaitsAndStillFindsThemHealthy() throws Exception {
        // 6 a minute: each holder answers its burst back to back, then one every 10 s
        ReplicationSettings settings = TestNode.settings()
                .withPeerLimits(new PeerLimits(1L << 40, 1L << 40, 6));
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), settings);
        TestNode owner = cluster.owner();
        ContentHash hash = owner.replication.replicate(cluster.randomFile("letters.bin", 1L << 20, 5),
                ProgressListener.NONE).plan().tesseraHash();

        for (int check = 1; check <= AttestationRateLimit.BURST + 2; check++) {
            HealthReport report = owner.replication.checkHealth(hash);
            assertInstanceOf(RepairAction.Healthy.class, report.action(), "check " + check + ": " + report);
            List<HealthReport.HolderState> states = report.holders().stream().map(HealthReport.HolderCheck::state)
                    .distinct().toList();
            assertEquals(List.of(HealthReport.HolderState.VERIFIED), states,
                    "check " + check + ": a holder at its limit counts as verified once it answers: " + report);
        }
    }
}
