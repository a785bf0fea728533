package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.port.ProgressListener;

/**
 * Ten whole nodes in this JVM talking TLS over real sockets on 127.0.0.1, with Derby and files: a small,
 * a medium and a large tessera survive the loss of holders, are repaired onto other nodes, and are read
 * back from a third node after more losses. Tier thresholds are lowered so that the large case stays fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkReplicationTest {
    /** small below 64 KiB, medium (16+8) below 4 MiB, large (48+24) from 4 MiB; r = 7. */
    static final TestNode.Tiers TIERS = TestNode.Tiers.lowered(7);

    Path dir;

    TestCluster cluster;
    TestNode owner;

    @BeforeAll
    void startTenNodes(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        cluster = TestCluster.onSockets(dir, 10, TIERS, TestNode.settings(), false);
        owner = cluster.owner();
    }

    @AfterAll
    void stopNodes() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aPeerOverItsDeficitRefusesWithThatReasonAndTheFragmentGoesElsewhere() throws Exception {
        Path file = cluster.randomFile("deficit.bin", 300_000, 21);
        TestNode stingy = cluster.closestPeerTo(file);
        stingy.ledger.recordStoredForPeer(owner.identity.nodeId(), 257L << 20);
        try {
            PlacementReport report = owner.replication.replicate(file, ProgressListener.NONE);
            assertEquals(24, report.fragmentsPlaced(), report.toString());
            assertTrue(report.refusals().stream().anyMatch(r -> r.peer().equals(stingy.identity.nodeId())
                    && r.reason().equals(Optional.of(RefusalReason.DEFICIT))), report.refusals().toString());
            ContentHash hash = report.plan().tesseraHash();
            assertTrue(stingy.fragments.list(hash).isEmpty());
            assertFalse(holders(hash).containsKey(stingy.identity.nodeId()));
        } finally {
            stingy.ledger.recordStoredForPeer(owner.identity.nodeId(), -(257L << 20));
        }
    }

    @Test
    @Order(2)
    void aFlippedByteInAStoredShardIsFoundAndRepaired() throws Exception {
        ContentHash hash = owner.replication.replicate(cluster.randomFile("flip.bin", 500_000, 22),
                ProgressListener.NONE).plan().tesseraHash();
        owner.flipBitOfShard(hash, 5, 7);
        assertEquals(new RepairAction.CorruptLocal(5), owner.replication.checkHealth(hash).action());
        RepairReport repair = owner.replication.repair(hash);
        assertEquals(1, repair.fragmentsFetched(), "fetched back whole from the holder of index 5");
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
    }

    @Test
    @Order(3)
    void smallMediumAndLargeSurviveLossesAreRepairedAndComeBackFromAThirdNode() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("small", cluster.randomFile("small.bin", 40_000, 31));
        files.put("medium", cluster.randomFile("medium.bin", 1_500_000, 32));
        files.put("large", cluster.randomFile("large.bin", 6_000_000, 33));
        Map<String, ContentHash> hashes = new LinkedHashMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            PlacementReport report = owner.replication.replicate(file.getValue(), ProgressListener.NONE);
            assertTrue(report.complete(), file.getKey() + ": " + report);
            assertEquals(7, report.peersUsed());
            hashes.put(file.getKey(), report.plan().tesseraHash());
        }
        assertEquals(FragmentationTier.SMALL, owner.fragments.plan(hashes.get("small")).orElseThrow().tier());
        assertEquals(FragmentationTier.MEDIUM, owner.fragments.plan(hashes.get("medium")).orElseThrow().tier());
        assertEquals(FragmentationTier.LARGE, owner.fragments.plan(hashes.get("large")).orElseThrow().tier());
        for (ContentHash hash : hashes.values()) {
            assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
        }

        // two holders of the large tessera go away
        List<TestNode> firstLosses = holdersOf(hashes.get("large")).subList(0, 2);
        Map<ContentHash, Set<Integer>> lostIndices = new LinkedHashMap<>();
        for (ContentHash hash : hashes.values()) {
            Set<Integer> lost = new HashSet<>();
            for (TestNode victim : firstLosses) {
                lost.addAll(holders(hash).getOrDefault(victim.identity.nodeId(), List.of()));
            }
            lostIndices.put(hash, lost);
        }
        firstLosses.forEach(TestNode::close);

        for (Map.Entry<String, ContentHash> entry : hashes.entrySet()) {
            ContentHash hash = entry.getValue();
            HealthReport health = owner.replication.checkHealth(hash);
            if (lostIndices.get(hash).isEmpty()) {
                // placement is by NodeId distance, random here: the small tessera's seven copies may all be on
                // other nodes than the two that went away, and then nothing is missing
                assertInstanceOf(RepairAction.Healthy.class, health.action(), entry.getKey() + ": " + health);
                continue;
            }
            RepairAction.NeedsReplication needs = assertInstanceOf(RepairAction.NeedsReplication.class,
                    health.action(), entry.getKey());
            if (entry.getKey().equals("small")) {
                assertEquals(countHoldersAmong(hash, firstLosses), needs.deficit());
            } else {
                assertEquals(new HashSet<>(needs.missingIndices()), lostIndices.get(hash), entry.getKey());
            }
            RepairReport repair = owner.replication.repair(hash);
            assertInstanceOf(RepairAction.Healthy.class, repair.after(), entry.getKey() + ": " + repair);
            HealthReport after = owner.replication.checkHealth(hash);
            assertInstanceOf(RepairAction.Healthy.class, after.action(), entry.getKey() + ": " + after);
            for (TestNode victim : firstLosses) {
                assertFalse(holders(hash).containsKey(victim.identity.nodeId()), "lost holders are forgotten");
            }
        }

        // two more nodes go away (the holders with the fewest fragments of the medium tessera, so that the
        // loss stays within what the parity covers for every tessera); a third node reads everything back
        List<TestNode> secondLosses = holdersOf(hashes.get("medium")).stream()
                .sorted(Comparator.comparingInt(n -> holders(hashes.get("medium")).get(n.identity.nodeId()).size()))
                .limit(2).toList();
        secondLosses.forEach(TestNode::close);
        TestNode reader = cluster.nodes.stream()
                .filter(n -> n != owner && !firstLosses.contains(n) && !secondLosses.contains(n))
                .findFirst().orElseThrow();
        for (Map.Entry<String, ContentHash> entry : hashes.entrySet()) {
            Path copy = dir.resolve(entry.getKey() + ".copy");
            RetrievalReport report = reader.replication.retrieve(entry.getValue(), copy, ProgressListener.NONE);
            assertArrayEquals(Files.readAllBytes(files.get(entry.getKey())), Files.readAllBytes(copy), entry.getKey());
            assertTrue(report.source() != RetrievalReport.Source.LOCAL_BLOB, entry.getKey());
        }
    }

    private Map<NodeId, List<Integer>> holders(ContentHash hash) {
        Map<NodeId, List<Integer>> holders = new LinkedHashMap<>();
        for (HolderStatus status : owner.holders.holders(hash)) {
            holders.put(status.holder().node(), status.indices());
        }
        return holders;
    }

    private List<TestNode> holdersOf(ContentHash hash) {
        List<TestNode> nodes = new ArrayList<>();
        for (NodeId id : holders(hash).keySet()) {
            nodes.add(cluster.byId(id));
        }
        return nodes;
    }

    private int countHoldersAmong(ContentHash hash, List<TestNode> nodes) {
        Map<NodeId, List<Integer>> holders = holders(hash);
        return (int) nodes.stream().filter(n -> holders.containsKey(n.identity.nodeId())).count();
    }
}
