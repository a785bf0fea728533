package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.port.ProgressListener;

/**
 * A put and a repair round each have an overall deadline (putDeadlineSeconds, repairRoundDeadlineSeconds): peers
 * that take fragments at a trickle never hold either past it, no push starts after it, and what was left is placed
 * by the repair rounds that follow. The pushes here end 2 s after they really did, so 24 fragments, 4 at a time,
 * take at least 12 s: far past the deadlines whatever the machine's speed.
 */
class DeadlineTest {
    static final Duration TRICKLE = Duration.ofSeconds(2);

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
    void aPutToTricklingPeersStopsAtItsDeadlineAndRepairPlacesTheRest() throws Exception {
        cluster = TestCluster.inMemory(dir, 6, TestNode.Tiers.lowered(7),
                TestNode.settings().withDeadlines(Duration.ofSeconds(5), Duration.ofHours(6)));
        TestNode owner = cluster.owner();
        owner.replication.transport = new SlowPushTransport(owner.transport, TRICKLE);

        PlacementReport put = owner.replication.replicate(cluster.randomFile("album.bin", 1 << 20, 5),
                ProgressListener.NONE);
        ContentHash hash = put.plan().tesseraHash();
        assertEquals(24, put.plan().totalShards());
        assertFalse(put.complete(), put.toString());
        assertTrue(put.fragmentsPlaced() < 24, put.toString());
        assertTrue(put.notes().stream().anyMatch(note -> note.contains("reached its deadline")), put.notes().toString());

        owner.replication.transport = owner.transport;
        repairUntilHealthy(owner, List.of(hash));
    }

    @Test
    void aRepairRoundStopsAtItsDeadlineAndTheRoundsAfterItCarryOn() throws Exception {
        cluster = TestCluster.inMemory(dir, 1, TestNode.Tiers.lowered(7),
                TestNode.settings().withDeadlines(Duration.ofHours(6), Duration.ofSeconds(3)));
        TestNode owner = cluster.owner();
        List<ContentHash> hashes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // alone: each tessera is kept with its fragments here, none placed yet
            PlacementReport put = owner.replication.replicate(cluster.randomFile("letters-" + i + ".bin", 1 << 20,
                    20 + i), ProgressListener.NONE);
            assertEquals(0, put.fragmentsPlaced());
            hashes.add(put.plan().tesseraHash());
        }
        cluster.grow(6);
        owner.replication.transport = new SlowPushTransport(owner.transport, TRICKLE);

        List<RepairReport> round = owner.replication.repairAll();
        assertEquals(1, round.size(), "the round stopped after the tessera it was in when its deadline passed");
        assertTrue(round.get(0).fragmentsPushed() < 24, round.get(0).toString());
        RepairRound recorded = owner.journal.lastRepairRound().orElseThrow();
        assertTrue(recorded.note().startsWith("stopped at the round deadline after 1 of 3"), recorded.toString());

        owner.replication.transport = owner.transport;
        repairUntilHealthy(owner, hashes);
    }

    /** Repair rounds (each within its deadline) until every tessera is healthy; at most ten. */
    private static void repairUntilHealthy(TestNode owner, List<ContentHash> hashes) throws IOException {
        for (int round = 0; round < 10; round++) {
            owner.replication.repairAll();
            boolean healthy = true;
            for (ContentHash hash : hashes) {
                healthy &= owner.replication.checkHealth(hash).action() instanceof RepairAction.Healthy;
            }
            if (healthy) {
                return;
            }
        }
        for (ContentHash hash : hashes) {
            assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action(), hash.hex());
        }
    }
}
