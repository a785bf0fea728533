package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.transport.memory.MemoryTransport;

/** Replication across whole nodes on the in-memory network: real stores, Derby, coder and DHT. */
class ReplicationTest {
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
    void aSmallTesseraGoesWholeToRPeers() throws Exception {
        cluster = TestCluster.inMemory(dir, 9, TestNode.Tiers.lowered(7), TestNode.settings());
        Path file = cluster.randomFile("letter.txt", 10_000, 1);
        TestNode owner = cluster.owner();

        PlacementReport report = owner.replication.replicate(file, ProgressListener.NONE);

        FragmentPlan plan = report.plan();
        assertEquals(FragmentationTier.SMALL, plan.tier());
        assertEquals(7, report.fragmentsPlaced());
        assertEquals(7, report.peersUsed());
        assertEquals(6, report.survivablePeerLosses());
        List<HolderStatus> holders = owner.holders.holders(plan.tesseraHash());
        assertEquals(7, holders.size());
        for (HolderStatus holder : holders) {
            TestNode peer = cluster.byId(holder.holder().node());
            assertEquals(List.of(0), holder.indices());
            assertEquals(10_000, peer.fragments.find(plan.tesseraHash(), 0).orElseThrow().sizeBytes());
            assertEquals(10_000, owner.ledger.balance(peer.identity.nodeId()), "credited once per copy");
            assertEquals(-10_000, peer.ledger.balance(owner.identity.nodeId()), "charged once per copy");
        }
    }

    @Test
    void aMediumTesseraBecomesTwentyFourVerifiedFragmentsThatRebuildIt() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, new TestNode.Tiers(4L << 20, 256L << 20, 1L << 30, 7),
                TestNode.settings());
        Path file = cluster.randomFile("album.bin", 10L << 20, 2);
        TestNode owner = cluster.owner();

        PlacementReport report = owner.replication.replicate(file, ProgressListener.NONE);
        FragmentPlan plan = report.plan();
        ContentHash hash = plan.tesseraHash();
        assertEquals(FragmentationTier.MEDIUM, plan.tier());
        assertEquals(16, plan.dataShards());
        assertEquals(8, plan.parityShards());
        assertEquals(owner.hasher.hash(Files.readAllBytes(file)), hash);

        // a full local set: 24 fragments whose checksums are the BLAKE3 of their bytes
        List<StoredFragment> local = owner.fragments.list(hash);
        assertEquals(24, local.size());
        for (StoredFragment fragment : local) {
            try (var channel = owner.fragments.open(hash, fragment.id().index()).orElseThrow()) {
                assertEquals(fragment.id().checksum(),
                        owner.hasher.hash(java.nio.channels.Channels.newInputStream(channel)));
            }
        }
        // 24 pushes, 24 credits
        assertEquals(24, report.fragmentsPlaced());
        assertEquals(7, report.peersUsed());
        long credited = owner.ledger.entries().stream().mapToLong(e -> e.bytesTheyStoreForUs()).sum();
        assertEquals(24 * plan.shardSize(), credited);
        Set<Integer> placed = new HashSet<>();
        for (HolderStatus holder : owner.holders.holders(hash)) {
            placed.addAll(holder.indices());
        }
        assertEquals(24, placed.size());

        // any other node rebuilds it from the network
        TestNode reader = cluster.nodes.get(7);
        Path copy = dir.resolve("copy.bin");
        RetrievalReport retrieved = reader.replication.retrieve(hash, copy, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertEquals(RetrievalReport.Source.NETWORK, retrieved.source());
    }

    @ParameterizedTest(name = "maxConcurrentTransfers = {0}")
    @ValueSource(ints = {1, 3})
    void putAndGetKeepAtMostMaxConcurrentTransfersFragmentsInFlight(int limit) throws Exception {
        ReplicationSettings d = TestNode.settings();
        ReplicationSettings settings = new ReplicationSettings(d.repairInterval(), d.repairJitter(), limit,
                d.minFreeSpaceBytes(), d.acceptDeficitUpToBytes(), d.maxStoragePerPeerBytes(), d.maxPeersPerSubnet(),
                d.maxFailedAttestations(), false, d.firstRepairRoundDelay(), d.announceInterval(),
                d.ownerSilenceBeforeCustody(), d.putDeadline(), d.repairRoundDeadline(), d.peerLimits());
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), settings, false, true);
        Path file = cluster.randomFile("album.bin", 1L << 20, 9);
        TestNode owner = cluster.owner();
        InFlightCountingTransport pushes = (InFlightCountingTransport) owner.transport;

        PlacementReport report = owner.replication.replicate(file, ProgressListener.NONE);
        assertEquals(24, report.fragmentsPlaced());
        assertEquals(24, pushes.transfers());
        assertEquals(limit, pushes.mostInFlight(), "fragments pushed at once");
        List<NodeId> order = pushes.sentTo();
        for (int start = 0; start + 7 <= 21; start += 7) {
            assertEquals(7, Set.copyOf(order.subList(start, start + 7)).size(),
                    "fragments go round the 7 peers, so transfers in flight are to different peers: " + order);
        }

        TestNode reader = cluster.nodes.get(7);
        InFlightCountingTransport fetches = (InFlightCountingTransport) reader.transport;
        fetches.reset();
        Path copy = dir.resolve("copy.bin");
        reader.replication.retrieve(report.plan().tesseraHash(), copy, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertTrue(fetches.transfers() >= 16 - reader.fragments.list(report.plan().tesseraHash()).size(),
                fetches.transfers() + " fetches");
        assertEquals(limit, fetches.mostInFlight(), "fragments fetched at once");
    }

    @Test
    void repairTakesOwnTesserasMostEndangeredFirstAndFragmentsOfPeersInDeficitLast() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        ContentHash healthy = put(owner, "healthy.bin", 11);
        ContentHash degraded = put(owner, "degraded.bin", 12);
        ContentHash lost = put(owner, "lost.bin", 13);
        owner.holders.recordHealth(new HealthRecord(healthy, new RepairAction.Healthy(), Instant.now(), ""));
        owner.holders.recordHealth(new HealthRecord(degraded, new RepairAction.NeedsReplication(3, List.of(1, 2, 3)),
                Instant.now(), ""));
        owner.holders.recordHealth(new HealthRecord(lost, new RepairAction.Lost(10, 16), Instant.now(), ""));
        // two other nodes place tesseras; with 8 nodes and r = 7 the owner holds fragments of both
        TestNode first = cluster.nodes.get(1);
        TestNode second = cluster.nodes.get(2);
        ContentHash ofFirst = put(first, "first.bin", 14);
        ContentHash ofSecond = put(second, "second.bin", 15);
        assertFalse(owner.fragments.list(ofFirst).isEmpty());
        assertFalse(owner.fragments.list(ofSecond).isEmpty());

        owner.ledger.recordStoredForPeer(second.identity.nodeId(), 100L << 20);
        assertEquals(List.of(lost, degraded, healthy, ofFirst, ofSecond), owner.replication.repairOrder());

        owner.ledger.recordStoredForPeer(first.identity.nodeId(), 200L << 20);
        assertEquals(List.of(lost, degraded, healthy, ofSecond, ofFirst), owner.replication.repairOrder());
    }

    private ContentHash put(TestNode node, String name, long seed) throws IOException {
        return node.replication.replicate(cluster.randomFile(name, 200_000, seed), ProgressListener.NONE).plan()
                .tesseraHash();
    }

    @Test
    void allHoldersAttestingIsHealthyAndLosingTwoNeedsReplicationThenRepairRestoresIt() throws Exception {
        cluster = TestCluster.inMemory(dir, 10, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("recordings.bin", 1L << 20, 3);
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();

        HealthReport healthy = owner.replication.checkHealth(hash);
        assertInstanceOf(RepairAction.Healthy.class, healthy.action());
        assertTrue(healthy.holders().stream().allMatch(h -> h.state() == HealthReport.HolderState.VERIFIED));

        List<HolderStatus> holders = owner.holders.holders(hash);
        List<Integer> lostIndices = new ArrayList<>();
        for (HolderStatus holder : holders.subList(0, 2)) {
            lostIndices.addAll(holder.indices());
            ((MemoryTransport) cluster.byId(holder.holder().node()).transport).takeDown();
        }
        lostIndices.sort(null);

        HealthReport degraded = owner.replication.checkHealth(hash);
        RepairAction.NeedsReplication needs = assertInstanceOf(RepairAction.NeedsReplication.class, degraded.action());
        assertEquals(lostIndices, needs.missingIndices());
        assertEquals(lostIndices.size(), needs.deficit());

        RepairReport repair = owner.replication.repair(hash);
        assertInstanceOf(RepairAction.Healthy.class, repair.after());
        assertEquals(lostIndices.size(), repair.fragmentsPushed());
        HealthReport after = owner.replication.checkHealth(hash);
        assertInstanceOf(RepairAction.Healthy.class, after.action(), after.toString());
    }

    @Test
    void aPutAndARepairOfOneTesseraRunningAtOnceCreditEachFragmentOnce() throws Exception {
        cluster = TestCluster.inMemory(dir, 12, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("letters.bin", 1L << 20, 13);
        PlacementReport first = owner.replication.replicate(file, ProgressListener.NONE);
        assertTrue(first.complete(), "the first put placed every fragment: " + first);
        FragmentPlan plan = first.plan();
        ContentHash hash = plan.tesseraHash();
        List<HolderStatus> holders = owner.holders.holders(hash);
        assertTrue(holders.size() > 2, "the first put found more than two holders: " + holders);
        Set<NodeId> down = new HashSet<>();
        for (HolderStatus holder : holders.subList(0, 2)) {
            ((MemoryTransport) cluster.byId(holder.holder().node()).transport).takeDown();
            down.add(holder.holder().node());
        }

        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService both = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<PlacementReport> put = both.submit(() -> {
                together.await();
                return owner.replication.replicate(file, ProgressListener.NONE);
            });
            java.util.concurrent.Future<RepairReport> repair = both.submit(() -> {
                together.await();
                return owner.replication.repair(hash);
            });
            put.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertInstanceOf(RepairAction.Healthy.class, repair.get(60, java.util.concurrent.TimeUnit.SECONDS).after());
        } finally {
            both.shutdownNow();
        }

        long charged = 0;
        for (TestNode node : cluster.nodes.subList(1, cluster.nodes.size())) {
            long held = node.fragments.list(hash).size() * plan.shardSize();
            charged += held;
            NodeId peer = node.identity.nodeId();
            assertEquals(held, node.ledger.bytesStoredFor(owner.identity.nodeId()),
                    "what " + peer.shortHex() + " charged the owner for the fragments it holds");
            if (!down.contains(peer)) {
                // a holder gone silent loses its credit when it fails its attestations; the live ones keep theirs
                assertEquals(held, owner.ledger.entry(peer).map(e -> e.bytesTheyStoreForUs()).orElse(0L),
                        "what the owner credited " + peer.shortHex());
            }
        }
        assertTrue(charged >= (long) plan.totalShards() * plan.shardSize(), "every fragment is held: " + charged);
    }

    @Test
    void aPutAndARepairEachLookUpTheTesseraKeyOnceAndPublishOnTheNodesFound() throws Exception {
        cluster = TestCluster.inMemory(dir, 10, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        CountingDht dht = new CountingDht(owner.dht);
        owner.replication.dht = dht;

        ContentHash hash = owner.replication.replicate(cluster.randomFile("album.bin", 1L << 20, 4),
                ProgressListener.NONE).plan().tesseraHash();
        assertEquals(List.of(hash.dhtKey()), dht.lookups, "one lookup per put");
        assertEquals(1, dht.publishedOnGivenNodes.size());
        assertEquals(List.of(), dht.publishedAfterOwnLookup, "the pointer went to the nodes the put found");
        assertTrue(cluster.nodes.get(5).dht.findPointers(hash).get().isPresent(), "the pointer can be found");

        dht.reset();
        for (HolderStatus holder : owner.holders.holders(hash).subList(0, 2)) {
            ((MemoryTransport) cluster.byId(holder.holder().node()).transport).takeDown();
        }
        RepairReport repair = owner.replication.repair(hash);
        assertInstanceOf(RepairAction.Healthy.class, repair.after(), repair.toString());
        assertEquals(List.of(hash.dhtKey()), dht.lookups, "one lookup per repair");
        assertEquals(List.of(), dht.publishedAfterOwnLookup);
    }

    @Test
    void putsGetsRepairsAttestationsAndStoredOrRefusedFragmentsAreCountedOnTheirNodes() throws Exception {
        // owner + 7 peers with r = 7: every peer is offered fragments, the refusing one too
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Map<TestNode, RecordingMetrics> metrics = new HashMap<>();
        for (TestNode node : cluster.nodes) {
            RecordingMetrics recording = new RecordingMetrics();
            node.replication.metrics = recording;
            node.holder.metrics = recording;
            metrics.put(node, recording);
        }
        RecordingMetrics ours = metrics.get(owner);
        // one peer refuses: the owner already owes it more than it allows
        TestNode refusing = cluster.nodes.get(7);
        refusing.ledger.recordStoredForPeer(owner.identity.nodeId(), 1L << 40);

        PlacementReport put = owner.replication.replicate(cluster.randomFile("counted.bin", 1L << 20, 21),
                ProgressListener.NONE);
        ContentHash hash = put.plan().tesseraHash();
        assertEquals(1, ours.count(NodeMetrics.Operation.PUT, NodeMetrics.Outcome.SUCCESS));
        assertEquals(24, ours.fragmentsStored.get(), "the owner's own full set");
        assertEquals(put.fragmentsPlaced(), ours.count(NodeMetrics.Operation.FRAGMENT_PUSH,
                NodeMetrics.Outcome.SUCCESS));
        long storedByPeers = metrics.entrySet().stream().filter(e -> e.getKey() != owner)
                .mapToLong(e -> e.getValue().fragmentsStored.get()).sum();
        assertEquals(put.fragmentsPlaced(), storedByPeers);
        assertTrue(metrics.get(refusing).refused.getOrDefault(RefusalReason.DEFICIT, new AtomicLong()).get() > 0,
                "the refusing peer counted its refusals: " + metrics.get(refusing).refused);

        owner.replication.checkHealth(hash);
        int holders = owner.holders.holders(hash).size();
        assertEquals(6, holders);
        assertEquals(holders, ours.count(NodeMetrics.Operation.ATTESTATION_ASKED, NodeMetrics.Outcome.SUCCESS));
        long answered = metrics.values().stream().mapToLong(m -> m.count(NodeMetrics.Operation.ATTESTATION_ANSWERED,
                NodeMetrics.Outcome.SUCCESS)).sum();
        assertEquals(holders, answered);

        owner.replication.repair(hash);
        assertEquals(1, ours.count(NodeMetrics.Operation.REPAIR, NodeMetrics.Outcome.SUCCESS));
        owner.replication.repairAll();
        assertEquals(1, ours.count(NodeMetrics.Operation.REPAIR_ROUND, NodeMetrics.Outcome.SUCCESS));

        TestNode reader = cluster.nodes.get(3);
        reader.replication.retrieve(hash, dir.resolve("counted-copy.bin"), ProgressListener.NONE);
        RecordingMetrics theirs = metrics.get(reader);
        assertEquals(1, theirs.count(NodeMetrics.Operation.GET, NodeMetrics.Outcome.SUCCESS));
        assertTrue(theirs.count(NodeMetrics.Operation.FRAGMENT_FETCH, NodeMetrics.Outcome.SUCCESS) > 0);
        assertThrows(IOException.class, () -> reader.replication.retrieve(owner.hasher.hash(new byte[] {1}),
                dir.resolve("nothing.bin"), ProgressListener.NONE));
        assertEquals(1, theirs.count(NodeMetrics.Operation.GET, NodeMetrics.Outcome.FAILURE));
    }

    @Test
    void withoutNewPeersRepairPutsMissingFragmentsOnTheRemainingHolders() throws Exception {
        // owner + 7 peers, r = 7: every peer is a holder, none is left to take what two lost holders had
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        ContentHash hash = owner.replication.replicate(cluster.randomFile("letters.bin", 1L << 20, 8),
                ProgressListener.NONE).plan().tesseraHash();
        List<HolderStatus> holders = owner.holders.holders(hash);
        assertEquals(7, holders.size());
        for (HolderStatus holder : holders.subList(0, 2)) {
            ((MemoryTransport) cluster.byId(holder.holder().node()).transport).takeDown();
        }
        RepairReport repair = owner.replication.repair(hash);
        assertInstanceOf(RepairAction.Healthy.class, repair.after(), repair.toString());
        assertTrue(repair.notes().stream().anyMatch(n -> n.contains("too few new peers") || n.contains("per-peer share")), repair.notes().toString());
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
        assertEquals(5, owner.holders.holders(hash).size());
    }

    @Test
    void withoutItsBlobTheOwnerRebuildsMissingDataShardsFromParityHeldHere() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("letters.bin", (1L << 20) + 12_345, 21);
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        assertTrue(owner.blobs.delete(hash));
        for (int index = 0; index < 8; index++) {
            assertTrue(owner.fragments.delete(hash, index));
        }
        List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();

        Path copy = dir.resolve("copy.bin");
        RetrievalReport report = owner.replication.retrieve(hash, copy, (phase, done, total) -> phases.add(phase));

        assertEquals(RetrievalReport.Source.LOCAL_FRAGMENTS, report.source(), "data shards 0-7 rebuilt from parity");
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertTrue(phases.contains("checking"), "the rebuilt file is hashed once complete: " + phases);
        assertEquals(List.of(copy), TestCluster.leftIn(dir), "only the output remains beside it");
    }

    @Test
    void aCorruptLocalShardMetByAGetIsQuarantinedAndTheGetSucceedsFromOtherSources() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("letters.bin", 1L << 20, 22);
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        assertTrue(owner.blobs.delete(hash));
        for (int index = 0; index < 8; index++) {
            owner.fragments.delete(hash, index);
        }
        // 16 shards are left here; parity shard 16 stands in for a data shard, and a flipped byte in it would
        // give wrong bytes for that shard
        owner.flipBitOfShard(hash, 16, 7);

        Path copy = dir.resolve("copy.bin");
        RetrievalReport report = owner.replication.retrieve(hash, copy, ProgressListener.NONE);

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertEquals(RetrievalReport.Source.NETWORK, report.source(), "the sixteenth fragment came from a holder");
        assertEquals(1, report.fragmentsFetched());
        assertTrue(owner.fragments.find(hash, 16).isEmpty(), "the bad shard left the index");
        assertEquals(1, owner.fragments.quarantined().size(), "and was kept aside, not deleted");
        assertEquals(List.of(copy), TestCluster.leftIn(dir), "no partial output or work directory is left");
    }

    @Test
    void aSourceThatAnswersBusyIsAskedAgainRatherThanGivenUp() throws Exception {
        // owner + 7 peers with r = 7: every fragment lives on exactly one peer, no other source to turn to
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        Path file = cluster.randomFile("busy.bin", 1L << 20, 31);
        ContentHash hash = cluster.owner().replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        TestNode reader = cluster.nodes.get(4);
        BusyAnsweringTransport busy = new BusyAnsweringTransport(reader.transport, 3);
        reader.replication.transport = busy;
        cluster.owner().close();

        Path copy = dir.resolve("busy-copy.bin");
        RetrievalReport report = reader.replication.retrieve(hash, copy, ProgressListener.NONE);

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertTrue(busy.asked.values().stream().anyMatch(n -> n.get() > 3), "fetched after three BUSY answers");
        assertEquals(RetrievalReport.Source.NETWORK, report.source());
    }

    @Test
    void aGetThatCannotFindEnoughGoodFragmentsLeavesNoFile() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("letters.bin", 1L << 20, 23);
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        assertTrue(owner.blobs.delete(hash));
        for (int index = 0; index < 8; index++) {
            owner.fragments.delete(hash, index);
        }
        owner.flipBitOfShard(hash, 16, 7);
        for (TestNode peer : cluster.nodes.subList(1, cluster.nodes.size())) {
            peer.close();
        }

        Path copy = dir.resolve("copy.bin");
        IOException e = assertThrows(IOException.class,
                () -> owner.replication.retrieve(hash, copy, ProgressListener.NONE));

        assertTrue(e.getMessage().contains("cannot be rebuilt") && e.getMessage().contains(hash.hex()), e.getMessage());
        assertFalse(Files.exists(copy));
        assertEquals(List.of(), TestCluster.leftIn(dir), "no partial output or work directory is left");
    }

    @Test
    void aCorruptLocalFragmentIsFoundAndRepaired() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("photos.bin", 1L << 20, 4);
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        StoredFragment five = owner.fragments.find(hash, 5).orElseThrow();
        owner.flipBitOfShard(hash, 5, 100);

        assertEquals(new RepairAction.CorruptLocal(5), owner.replication.checkHealth(hash).action());
        RepairReport repair = owner.replication.repair(hash);
        assertEquals(new RepairAction.CorruptLocal(5), repair.before());
        assertEquals(1, repair.fragmentsFetched() + repair.fragmentsRebuilt());
        assertEquals(five.id().checksum(), owner.fragments.find(hash, 5).orElseThrow().id().checksum());
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
    }

    @Test
    void aPeerInDeficitRefusesAndTheOwnerPlacesElsewhere() throws Exception {
        cluster = TestCluster.inMemory(dir, 9, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("diary.bin", 1L << 20, 5);
        // the peer first in line for this tessera already stores more for the owner than it allows
        TestNode stingy = cluster.closestPeerTo(file);
        stingy.ledger.recordStoredForPeer(owner.identity.nodeId(), 300L << 20);

        PlacementReport report = owner.replication.replicate(file, ProgressListener.NONE);

        assertEquals(24, report.fragmentsPlaced(), report.toString());
        assertTrue(report.refusals().stream().anyMatch(r -> r.peer().equals(stingy.identity.nodeId())
                && r.reason().equals(java.util.Optional.of(RefusalReason.DEFICIT))), report.refusals().toString());
        ContentHash hash = report.plan().tesseraHash();
        assertFalse(owner.holders.holders(hash).stream().anyMatch(h -> h.holder().node().equals(stingy.identity.nodeId())));
        assertTrue(stingy.fragments.list(hash).isEmpty(), "nothing half-stored on the refusing peer");
    }

    @Test
    void withoutPeersPutPlacesNothingSaysWhyAndKeepsTheLocalCopy() throws Exception {
        cluster = TestCluster.inMemory(dir, 1, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode alone = cluster.owner();
        RecordingMetrics metrics = new RecordingMetrics();
        alone.replication.metrics = metrics;
        Path file = cluster.randomFile("alone.bin", 200_000, 6);
        PlacementReport report = alone.replication.replicate(file, ProgressListener.NONE);
        assertFalse(report.complete(), report.toString());
        assertEquals(0, report.fragmentsPlaced());
        assertEquals(24, report.fragmentsWanted());
        assertEquals(0, report.peersUsed());
        assertTrue(report.notes().stream().anyMatch(note -> note.contains("no peer")), report.notes().toString());
        ContentHash hash = alone.hasher.hash(Files.readAllBytes(file));
        assertEquals(hash, report.plan().tesseraHash());
        assertTrue(alone.blobs.exists(hash));
        assertEquals(24, alone.fragments.list(hash).size());
        assertEquals("placed 0 of 24 fragments on 0 peers; survives 0 peer losses",
                alone.journal.recentPuts(1).get(0).outcome());
        assertEquals(1, metrics.count(NodeMetrics.Operation.PUT, NodeMetrics.Outcome.FAILURE),
                "a put that placed no fragment is timed as failed");
        assertEquals(0, metrics.count(NodeMetrics.Operation.PUT, NodeMetrics.Outcome.SUCCESS));
    }

    @Test
    void aTesseraKeptWholeButNeverEncodedIsPlacedByTheNextRepairRound() throws Exception {
        // what a put leaves when the node dies between storing the file and encoding it
        cluster = TestCluster.inMemory(dir, 9, TestNode.Tiers.lowered(7), TestNode.settings());
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("interrupted.bin", 1L << 20, 12);
        ContentHash hash;
        try (var in = Files.newInputStream(file)) {
            hash = owner.blobs.write(in);
        }
        assertTrue(owner.fragments.manifest(hash).isEmpty());

        owner.replication.repairAll();

        assertTrue(owner.fragments.manifest(hash).isPresent(), "encoded under the owner's manifest");
        assertEquals(7, owner.holders.holders(hash).size(), "placed on r peers");
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
        Path copy = dir.resolve("copy.bin");
        owner.blobs.quarantine(hash, "test: read back from the peers");
        owner.replication.retrieve(hash, copy, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
    }

    @Test
    void aRestartedNodeKeepsFragmentsPlansHoldersAndLedger() throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings(), true);
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("archive.bin", 1L << 20, 7);
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        Map<NodeId, Long> balances = new HashMap<>();
        owner.ledger.entries().forEach(e -> balances.put(e.peer(), e.balance()));
        List<HolderStatus> holders = owner.holders.holders(hash);
        NodeId id = owner.identity.nodeId();

        owner.close();
        TestNode restarted = new TestNode("n0", dir.resolve("n0"), cluster.transports, cluster.tiers, cluster.settings,
                List.of(cluster.nodes.get(1).address()), true);
        cluster.nodes.set(0, restarted);

        assertEquals(id, restarted.identity.nodeId());
        assertEquals(24, restarted.fragments.list(hash).size());
        assertTrue(restarted.fragments.plan(hash).isPresent());
        assertEquals(holders.stream().map(h -> h.holder().node()).toList(),
                restarted.holders.holders(hash).stream().map(h -> h.holder().node()).toList());
        restarted.ledger.entries().forEach(e -> assertEquals(balances.get(e.peer()), e.balance()));
        cluster.awaitConverged();
        assertInstanceOf(RepairAction.Healthy.class, restarted.replication.checkHealth(hash).action());
    }
}
