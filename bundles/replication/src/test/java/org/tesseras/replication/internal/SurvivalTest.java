package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.RecoveryReport;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.ProgressListener;

/**
 * DESIGN.md §9 on ten whole nodes talking TLS over real sockets on 127.0.0.1, with pointers that live 6 s, holders
 * that announce every 2 s and custody after 8 s of owner silence: the owner goes away without a word, and its
 * tessera stays findable, is repaired by exactly one custodian when holders leave too (by the next one when that
 * custodian falls silent as well), and is recovered by a fresh node holding the owner's key; a flood of near-key pointers does not push the real one out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SurvivalTest {
    static final TestNode.Tiers TIERS = TestNode.Tiers.lowered(7);
    static final Duration POINTER_TTL = Duration.ofSeconds(6);
    static final Duration ANNOUNCE = Duration.ofSeconds(2);
    static final Duration OWNER_SILENCE = Duration.ofSeconds(8);

    Path dir;
    TestCluster cluster;
    TestNode owner;
    Path file;
    ContentHash hash;
    TestNode custodian;

    /**
     * k = 9: every node can keep all nine others in its table (a bucket of 8 may overflow), and a put on the
     * 7 of them its lookup finds first leaves two nodes that never see the tessera.
     */
    @BeforeAll
    void startTenNodes(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        cluster = TestCluster.onSockets(dir, 10, TIERS, TestNode.settings().withSurvival(ANNOUNCE, OWNER_SILENCE),
                false, Map.of("k", 9, "pointerTtlSeconds", POINTER_TTL.toSeconds(), "maxStoredPointers", 2000));
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
    void aTesseraWhoseOwnerVanishedIsFoundByHashAfterThePointerLifetime() throws Exception {
        file = cluster.randomFile("album.bin", 1_200_000, 12);
        PlacementReport put = owner.replication.replicate(file, ProgressListener.NONE);
        assertTrue(put.complete(), put.toString());
        hash = put.plan().tesseraHash();
        assertEquals(FragmentationTier.MEDIUM, put.plan().tier());
        TestNode someone = cluster.nodes.get(3);
        TestCluster.await(Duration.ofSeconds(30), () -> catalogueListsTheTessera(someone),
                "the owner's catalogue to name the tessera");

        owner.close();
        long ownerGoneAt = System.currentTimeMillis();
        TestCluster.await(Duration.ofSeconds(60), () -> System.currentTimeMillis() - ownerGoneAt
                > POINTER_TTL.toMillis() + 1000 && records(someone).filter(this::ownerRecordGone).isPresent(),
                "the owner's pointer to expire everywhere while holder records live on");

        TestNode reader = live().stream().filter(n -> n.fragments.list(hash).isEmpty()).findFirst().orElseThrow();
        assertTrue(reader.fragments.manifest(hash).isEmpty(), "the reader never saw the tessera");
        Path target = dir.resolve("read-by-" + reader.name + ".bin");
        reader.replication.retrieve(hash, target, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
    }

    @Test
    @Order(2)
    void withTheOwnerSilentAndTwoHoldersGoneExactlyOneCustodianRepairsItToHealthy() throws Exception {
        List<TestNode> holders = live().stream().filter(n -> !n.fragments.list(hash).isEmpty()).toList();
        assertTrue(holders.size() >= 5, "holders: " + TestNode.names(holders));
        List<TestNode> leaving = holders.stream()
                .sorted((a, b) -> Integer.compare(a.fragments.list(hash).size(), b.fragments.list(hash).size()))
                .limit(2).toList();
        leaving.forEach(TestNode::close);
        // the leavers' own records age out of custody within two announcement intervals
        Thread.sleep(ANNOUNCE.multipliedBy(2).plusSeconds(1).toMillis());

        List<CompletableFuture<Void>> rounds = new ArrayList<>();
        for (TestNode node : live()) {
            rounds.add(CompletableFuture.runAsync(node.replication::repairAll));
        }
        CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);

        List<TestNode> led = live().stream().filter(n -> n.replication.custodyState().status(hash)
                .map(CustodyStatus::repairsLedHere).orElse(0) > 0).toList();
        assertEquals(1, led.size(), "custodians that led a repair: " + TestNode.names(led));
        custodian = led.get(0);
        CustodyStatus status = custodian.replication.custody(hash).orElseThrow();
        assertTrue(status.ownerSilent() && status.leadHere(), status.toString());
        assertEquals(Optional.of(custodian.identity.nodeId()), status.custodian());
        for (TestNode other : live()) {
            other.replication.custody(hash).ifPresent(seen -> assertEquals(status.custodian(), seen.custodian(),
                    other.name + " agrees on the custodian"));
        }
        RepairAction health = custodian.replication.checkHealth(hash).action();
        assertInstanceOf(RepairAction.Healthy.class, health, "with the owner still gone");

        TestNode reader = live().stream().filter(n -> n != custodian).findFirst().orElseThrow();
        Path target = dir.resolve("after-custody.bin");
        reader.replication.retrieve(hash, target, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
    }

    @Test
    @Order(3)
    void whenTheCustodianFallsSilentTheNextHolderLeadsAndRepairs() throws Exception {
        TestNode silent = custodian;
        silent.close();
        // the silent custodian's own record ages out of custody within two announcement intervals
        Thread.sleep(ANNOUNCE.multipliedBy(2).plusSeconds(1).toMillis());

        List<CompletableFuture<Void>> rounds = new ArrayList<>();
        for (TestNode node : live()) {
            rounds.add(CompletableFuture.runAsync(node.replication::repairAll));
        }
        CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);

        List<TestNode> led = live().stream().filter(n -> n.replication.custodyState().status(hash)
                .map(CustodyStatus::repairsLedHere).orElse(0) > 0).toList();
        assertEquals(1, led.size(), "custodians that led a repair after " + silent.name + " fell silent: "
                + TestNode.names(led));
        custodian = led.get(0);
        assertNotEquals(silent.identity.nodeId(), custodian.identity.nodeId());
        CustodyStatus status = custodian.replication.custody(hash).orElseThrow();
        assertTrue(status.ownerSilent() && status.leadHere(), status.toString());
        for (TestNode other : live()) {
            other.replication.custody(hash).ifPresent(seen -> assertEquals(status.custodian(), seen.custodian(),
                    other.name + " agrees on the new custodian"));
        }
        assertInstanceOf(RepairAction.Healthy.class, custodian.replication.checkHealth(hash).action(),
                "with the owner and the first custodian gone");
        Path target = dir.resolve("after-second-custodian.bin");
        live().stream().filter(n -> n != custodian).findFirst().orElseThrow().replication.retrieve(hash, target,
                ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
    }

    @Test
    @Order(4)
    void aFreshNodeWithTheOwnersKeyRecoversEveryTesseraItHad() throws Exception {
        Path freshDir = dir.resolve("fresh-owner");
        Files.createDirectories(freshDir);
        Files.copy(owner.dir.resolve("identity.key"), freshDir.resolve("identity.key"));
        TestNode fresh = new TestNode("fresh-owner", freshDir, cluster.transports, TIERS, cluster.settings,
                List.of(live().get(0).address()), false, 0, cluster.dhtOverrides);
        cluster.nodes.add(fresh);
        assertEquals(owner.identity.nodeId(), fresh.identity.nodeId());
        TestCluster.await(Duration.ofSeconds(30), () -> fresh.dht.routingTable().size() >= live().size() - 1,
                "the fresh node to join");

        List<String> phases = new ArrayList<>();
        RecoveryReport report = fresh.replication.recover((phase, done, total) -> phases.add(phase + " " + done
                + "/" + total));
        assertEquals(1, report.tesseras().size(), report.toString());
        RecoveryReport.Entry entry = report.tesseras().get(0);
        assertEquals(hash, entry.tessera());
        assertTrue(entry.recovered(), entry.detail());
        assertInstanceOf(RepairAction.Healthy.class, entry.health().orElseThrow(), entry.detail());
        assertEquals(List.of("recovering 0/1", "recovering 1/1"), phases);
        assertTrue(fresh.replication.status(hash).orElseThrow().owned());
        assertInstanceOf(RepairAction.Healthy.class, fresh.replication.checkHealth(hash).action());

        Path target = dir.resolve("recovered.bin");
        fresh.replication.retrieve(hash, target, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));

        // the owner is heard again: custody ends everywhere
        fresh.replication.repair(hash);
        for (TestNode node : live()) {
            if (node != fresh) {
                node.replication.custody(hash).ifPresent(seen -> assertFalse(seen.ownerSilent(), node.name + ": "
                        + seen));
                assertEquals(List.of(), node.holders.holders(hash), node.name + " no longer checks the holders it"
                        + " borrowed as custodian");
            }
        }
    }

    @Test
    @Order(5)
    void twentyThousandAndOneNearKeyStoresLeaveTheRealPointerFindable() throws Exception {
        TestNode flooder = live().get(live().size() - 1);
        List<NodeInfo> closest = flooder.dht.findClosest(hash.dhtKey()).get(30, TimeUnit.SECONDS);
        Semaphore inFlight = new Semaphore(64);
        AtomicInteger refused = new AtomicInteger();
        byte[] near = hash.bytes().clone();
        for (int i = 0; i < 20_001; i++) {
            near[28] = (byte) (i >>> 24);
            near[29] = (byte) (i >>> 16);
            near[30] = (byte) (i >>> 8);
            near[31] = (byte) i;
            ContentHash fake = new ContentHash(Arrays.copyOf(near, near.length));
            FragmentPlan plan = FragmentPlan.of(fake, 1000, FragmentationTier.SMALL, 1, 0, 7);
            TesseraManifest manifest = flooder.identity.signManifest(plan, flooder.coder.codecId(), List.of(fake), 1);
            TesseraPointer pointer = flooder.identity.signPointer(manifest, List.of(new Holder(
                    flooder.identity.nodeId(), flooder.address(), List.of(0))), System.currentTimeMillis());
            NodeInfo target = closest.get(i % closest.size());
            inFlight.acquire();
            flooder.transport.request(Contact.of(target), new Message.Store(pointer)).whenComplete((reply, error) -> {
                if (error != null || !(reply.message() instanceof Message.Stored)) {
                    refused.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(64);

        TestNode reader = live().stream().filter(n -> n != flooder).findFirst().orElseThrow();
        PointerRecords records = reader.dht.findPointers(hash).get(30, TimeUnit.SECONDS).orElseThrow();
        assertTrue(records.variantOf(cluster.nodes.get(cluster.nodes.size() - 1).fragments.manifest(hash)
                .orElseThrow()).flatMap(PointerRecords.Variant::ownerRecord).isPresent(),
                "the owner's record is still found after the flood (" + refused + " stores refused)");
        Path target = dir.resolve("after-flood.bin");
        reader.replication.retrieve(hash, target, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
    }

    private List<TestNode> live() {
        return cluster.nodes.stream().filter(TestNode::running).toList();
    }

    private boolean catalogueListsTheTessera(TestNode asking) {
        try {
            return asking.dht.findCatalogue(owner.identity.nodeId(), 0).get(10, TimeUnit.SECONDS)
                    .filter(page -> page.tesseras().contains(hash)).isPresent();
        } catch (Exception e) {
            return false;
        }
    }

    private Optional<PointerRecords> records(TestNode asking) {
        try {
            return asking.dht.findPointers(hash).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private boolean ownerRecordGone(PointerRecords records) {
        return records.records().stream().noneMatch(TesseraPointer::byOwner) && !records.records().isEmpty();
    }
}
