package org.tesseras.dht.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.dht.internal.DhtCluster.VERIFIER;
import static org.tesseras.dht.internal.DhtCluster.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.TransportException;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.dht.internal.DhtCluster.Node;
import org.tesseras.transport.memory.MemoryIdentity;
import org.tesseras.transport.memory.MemoryTransport;

class KademliaDhtTest {
    private static final Blake3Hasher HASHER = new Blake3Hasher();

    @Test
    void threeNodesBootstrapThroughOneSeedAndAllKnowEachOther() {
        try (DhtCluster cluster = new DhtCluster(1)) {
            Node a = cluster.add();
            Node b = cluster.add();
            Node c = cluster.add();

            assertEquals(1, await(b.dht().bootstrap(address(a))));
            assertEquals(2, await(c.dht().bootstrap(address(a))));

            assertEquals(Set.of(b.id(), c.id()), tableIds(a));
            assertEquals(Set.of(a.id(), c.id()), tableIds(b), "c's self-lookup must have reached b");
            assertEquals(Set.of(a.id(), b.id()), tableIds(c));
            for (Node node : List.of(a, b, c)) {
                for (RoutingEntry entry : node.dht().routingTable()) {
                    assertEquals(XorMetric.sharedPrefixBits(node.id(), entry.node().id()), entry.bucket());
                }
            }
        }
    }

    @Test
    void bootstrapThroughADeadOrOwnAddressFailsWithAReason() {
        try (DhtCluster cluster = new DhtCluster(2)) {
            Node a = cluster.add();
            Node b = cluster.add();
            b.transport().takeDown();

            Throwable dead = failure(a.dht().bootstrap(address(b)));
            assertInstanceOf(TransportException.class, dead);
            assertTrue(dead.getMessage().contains(DhtCluster.seedText(address(b))), dead.getMessage());

            Throwable self = failure(a.dht().bootstrap(address(a)));
            assertTrue(self.getMessage().contains("is this node"), self.getMessage());
            assertEquals(0, a.dht().routingTable().size());
        }
    }

    @Test
    void tenNodesConvergeSoEveryNodeFindsEveryOther() {
        try (DhtCluster cluster = new DhtCluster(3)) {
            List<Node> nodes = cluster.addJoined(10, config -> { });

            for (Node from : nodes) {
                for (Node target : nodes) {
                    if (from == target) {
                        continue;
                    }
                    List<NodeInfo> found = await(from.dht().findClosest(target.id()));
                    assertEquals(target.id(), found.get(0).id(), from.id() + " looking for " + target.id());
                    assertEquals(9, found.size(), "all nine others are alive");
                    assertFalse(ids(found).contains(from.id()), "never this node");
                    assertSortedByDistance(found, target.id());
                }
            }
        }
    }

    @Test
    void pointersAreFoundFromAnotherNodeOnePerPublisherEachPublishersNewestWinning() {
        try (DhtCluster cluster = new DhtCluster(4)) {
            List<Node> nodes = cluster.addJoined(8, config -> { });
            ContentHash hash = HASHER.hash(new byte[] {1, 2, 3});
            long now = cluster.clock.millis();
            Node owner = nodes.get(1);
            Node holder = nodes.get(3);
            TesseraManifest manifest = manifest(hash, owner);
            TesseraPointer first = signed(manifest, owner, List.of(holding(holder)), now - 5000);

            assertEquals(8, await(owner.dht().publish(first)), "seven peers and the publisher itself");
            assertEquals(List.of(first), await(nodes.get(6).dht().findPointers(hash)).orElseThrow().records());
            assertEquals(Optional.empty(), await(nodes.get(6).dht().findPointers(HASHER.hash(new byte[] {9}))));

            TesseraPointer holders = signed(manifest, holder, List.of(holding(holder)), now);
            assertEquals(8, await(holder.dht().publish(holders)));
            PointerRecords found = await(nodes.get(5).dht().findPointers(hash)).orElseThrow();
            assertEquals(Set.of(first, holders), Set.copyOf(found.records()), "the holder's word beside the owner's");
            assertEquals(Optional.of(Instant.ofEpochMilli(now - 5000)), found.variants().get(0).lastHeardFromOwner());

            TesseraPointer newer = signed(manifest, owner, List.of(holding(holder)), now + 1);
            assertEquals(8, await(owner.dht().publish(newer)));
            assertEquals(0, await(owner.dht().publish(first)), "every node keeps the owner's newer pointer");
            assertEquals(Set.of(newer, holders), Set.copyOf(await(nodes.get(2).dht().findPointers(hash))
                    .orElseThrow().records()));
        }
    }

    @Test
    void aForgedPointerOrOneFromANonHolderIsRefusedAndTheRealOneStaysFindable() {
        try (DhtCluster cluster = new DhtCluster(17)) {
            List<Node> nodes = cluster.addJoined(6, config -> { });
            Node owner = nodes.get(0);
            Node holder = nodes.get(1);
            Node stranger = nodes.get(2);
            ContentHash hash = HASHER.hash(new byte[] {7, 7});
            TesseraManifest manifest = manifest(hash, owner);
            long now = cluster.clock.millis();
            TesseraPointer real = signed(manifest, owner, List.of(holding(holder)), now);
            assertEquals(6, await(owner.dht().publish(real)));

            // the stranger claims to be the owner but can only sign with its own key
            TesseraPointer unsigned = TestManifests.unsignedPointer(manifest, owner.id(), List.of(holding(stranger)),
                    now + 10);
            TesseraPointer forged = new TesseraPointer(manifest, owner.id(), owner.identity().publicKey(),
                    owner.identity().nonce(), unsigned.holders(), now + 10,
                    stranger.identity().sign(unsigned.signedPayload()));
            DhtResponder responder = nodes.get(4).responder();
            NodeInfo from = stranger.transport().localNode();
            assertTrue(refusal(responder.answer(from, new Message.Store(forged))).contains("signature"));
            // a validly signed pointer by someone neither owner nor holder of the tessera
            TesseraPointer byNonHolder = signed(manifest, stranger, List.of(holding(holder)), now + 20);
            assertTrue(refusal(responder.answer(from, new Message.Store(byNonHolder))).contains("neither the owner"));
            assertEquals(0, await(stranger.dht().publish(byNonHolder)), "no node takes it");

            assertEquals(List.of(real), await(nodes.get(5).dht().findPointers(hash)).orElseThrow().records());
        }
    }

    @Test
    void aPointerPublishedOnNodesALookupFoundGoesToThoseNodesWithoutAnotherLookup() {
        try (DhtCluster cluster = new DhtCluster(14)) {
            List<Node> nodes = cluster.addJoined(10, config -> config.k = 4);
            Node publisher = nodes.get(0);
            RequestCountingTransport counting = new RequestCountingTransport(publisher.transport());
            KademliaDht asking = new KademliaDht(counting, publisher.state());
            try {
                ContentHash hash = HASHER.hash(new byte[] {4, 5, 6});
                List<NodeInfo> closest = await(asking.findClosest(hash.dhtKey()));
                assertEquals(4, closest.size());
                counting.sent.clear();
                TesseraPointer pointer = pointer(hash, publisher, cluster.clock.millis());

                int taken = await(asking.publish(pointer, closest));

                assertTrue(taken >= 4, "the four nodes found took it (and the publisher if it is among the closest)");
                assertEquals(4, counting.sent("Store"), counting.sent.toString());
                assertEquals(0, counting.sent("FindNode") + counting.sent("FindValue"), "no lookup: " + counting.sent);
                Set<NodeId> given = ids(closest);
                for (Node node : nodes.subList(1, nodes.size())) {
                    boolean keeps = !node.state().pointers().get(hash, cluster.clock.millis()).isEmpty();
                    assertEquals(given.contains(node.id()), keeps, node.id() + " keeps the pointer iff it was given it");
                }
                assertEquals(List.of(pointer), await(nodes.get(7).dht().findPointers(hash)).orElseThrow().records());
            } finally {
                asking.deactivate();
            }
        }
    }

    @Test
    void departedNodeIsDroppedFromResultsAndThenFromTheTable() {
        try (DhtCluster cluster = new DhtCluster(5)) {
            List<Node> nodes = cluster.addJoined(10, config -> { });
            Node observer = nodes.get(0);
            Node departed = nodes.get(5);
            assertTrue(observer.dht().routingTableContains(departed.id()), "precondition: the observer knows it");

            departed.transport().takeDown();

            for (int lookup = 1; lookup <= 3; lookup++) {
                List<NodeInfo> found = await(observer.dht().findClosest(departed.id()));
                assertFalse(ids(found).contains(departed.id()), "lookup " + lookup + " returned a dead node");
                assertEquals(8, found.size());
                assertEquals(lookup < 3, observer.dht().routingTableContains(departed.id()),
                        "a node leaves the table after exactly maxFailedRpcs (3) failures, lookup " + lookup);
            }
            for (Node other : nodes.subList(1, 4)) {
                assertFalse(ids(await(other.dht().findClosest(departed.id()))).contains(departed.id()));
            }
            assertFalse(await(observer.dht().ping(departed.contact())));
        }
    }

    @Test
    void unresponsiveNodeIsLeftOutAfterTheRpcTimeout() {
        try (DhtCluster cluster = new DhtCluster(6, Duration.ofSeconds(30))) {
            List<Node> nodes = cluster.addJoined(5, config -> config.rpcTimeoutMillis = 200);
            Node hung = nodes.get(3);
            hung.transport().makeUnresponsive();

            List<NodeInfo> found = await(nodes.get(0).dht().findClosest(hung.id()));

            assertFalse(ids(found).contains(hung.id()));
            assertEquals(3, found.size());
        }
    }

    @Test
    void nodesFailingProofOfWorkNeverEnterRoutingTablesNorGetContacted() {
        try (DhtCluster cluster = new DhtCluster(7)) {
            List<Node> good = cluster.addJoined(6, config -> { });

            // a node that skipped the proof-of-work, running a real DHT: nobody lets it join
            Node lazy = cluster.add(MemoryIdentity.withoutProofOfWork(VERIFIER), cluster.network.nextAddress(),
                    config -> { });
            Throwable refused = failure(lazy.dht().bootstrap(address(good.get(0))));
            assertTrue(refused.getMessage().contains(ErrorCode.REFUSED.name()), refused.getMessage());

            // a node claiming an id next to good node 2 that its key does not derive
            byte[] near = good.get(2).id().bytes();
            near[NodeId.LENGTH - 1] ^= 1;
            NodeInfo forged = cluster.newIdentity().forgedNodeInfo(new NodeId(near),
                    cluster.network.nextAddress());
            MemoryTransport forger = cluster.network.join(forged);
            forger.handle(new Gossip(List.of()), DhtResponder.KINDS);
            Throwable forgedPing = failure(forger.request(good.get(0).contact(), new Message.Ping()));
            assertEquals(ErrorCode.REFUSED, assertInstanceOf(RemoteErrorException.class, forgedPing).code());

            // a valid node that tells everyone about both
            MemoryTransport gossip = cluster.network.join(cluster.newIdentity());
            gossip.handle(new Gossip(List.of(forged, lazy.transport().localNode())), DhtResponder.KINDS);
            for (Node node : good) {
                assertEquals(new Message.Pong(), await(gossip.request(node.contact(), new Message.Ping())).message());
            }
            long lazyInboundBefore = lazy.transport().inboundCount();

            for (Node node : good) {
                assertFalse(ids(await(node.dht().findClosest(forged.id()))).contains(forged.id()));
                assertFalse(ids(await(node.dht().findClosest(lazy.id()))).contains(lazy.id()));
            }

            assertTrue(gossip.inboundCount() >= good.size(), "the gossip was asked, so its lists were read");
            assertEquals(0, forger.inboundCount(), "nobody contacted the forged id");
            assertEquals(lazyInboundBefore, lazy.transport().inboundCount(), "nobody contacted the lazy node");
            for (Node node : good) {
                Set<NodeId> table = tableIds(node);
                assertTrue(table.contains(gossip.localNode().id()), "the honest gossip itself is in the table");
                assertFalse(table.contains(forged.id()));
                assertFalse(table.contains(lazy.id()));
            }
        }
    }

    @Test
    void fullBucketPingsItsOldestEntryBeforeEvicting() {
        try (DhtCluster cluster = new DhtCluster(11)) {
            Consumer<TestConfig> smallBuckets = config -> {
                config.k = 2;
                config.alpha = 2;
            };
            Node a = cluster.add(smallBuckets);
            int bucket = 0;
            List<Node> sameBucket = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sameBucket.add(cluster.add(smallBuckets,
                        identity -> XorMetric.sharedPrefixBits(a.id(), identity.nodeId()) == bucket));
            }
            Node oldest = sameBucket.get(0);
            Node second = sameBucket.get(1);
            Node newcomer = sameBucket.get(2);
            Node lateComer = sameBucket.get(3);
            assertTrue(await(oldest.dht().ping(a.contact())));
            assertTrue(await(second.dht().ping(a.contact())));

            // full bucket, oldest alive: it stays (now most recent), the newcomer waits in the cache
            assertTrue(await(newcomer.dht().ping(a.contact())));
            await(a.dht().evictionChecksSettled());
            assertEquals(Set.of(oldest.id(), second.id()), tableIds(a));
            assertTrue(a.dht().replacementCacheContains(newcomer.id()));
            assertEquals(List.of(second.id(), oldest.id()), bucketOrder(a, bucket), "least-recently-seen first");

            // full bucket, oldest (now second) dead: it goes, the newest cached node takes its slot
            second.transport().takeDown();
            assertTrue(await(lateComer.dht().ping(a.contact())));
            await(a.dht().evictionChecksSettled());
            assertEquals(Set.of(oldest.id(), lateComer.id()), tableIds(a));
            assertTrue(a.dht().replacementCacheContains(newcomer.id()));
        }
    }

    @Test
    void pointerExpiresAfterItsTtlUnlessRepublished() {
        try (DhtCluster cluster = new DhtCluster(12)) {
            List<Node> nodes = cluster.addJoined(5, config -> { });
            Node publisher = nodes.get(0);
            Node reader = nodes.get(3);
            ContentHash once = HASHER.hash(new byte[] {1});
            ContentHash kept = HASHER.hash(new byte[] {2});
            assertEquals(5, await(publisher.dht().publish(pointer(once, publisher, cluster.clock.millis()))));
            assertTrue(await(reader.dht().findPointers(once)).isPresent());

            cluster.clock.advance(Duration.ofHours(23));
            assertEquals(5, await(publisher.dht().publish(pointer(kept, publisher, cluster.clock.millis()))));
            cluster.clock.advance(Duration.ofHours(1).plusSeconds(1));
            assertTrue(await(reader.dht().findPointers(once)).isEmpty(), "24 h after its only store it is gone");
            assertTrue(await(reader.dht().findPointers(kept)).isPresent());
            int swept = 0;
            for (Node node : nodes) {
                swept += node.dht().sweepExpiredPointers();
            }
            assertEquals(5, swept, "each of the five copies of the expired pointer is swept once");

            cluster.clock.advance(Duration.ofHours(22));
            assertEquals(5, await(publisher.dht().publish(pointer(kept, publisher, cluster.clock.millis()))),
                    "published again by its publisher, as replication does every hour");
            cluster.clock.advance(Duration.ofHours(20));
            assertTrue(await(reader.dht().findPointers(kept)).isPresent(), "republished 20 h ago, first stored 43 h ago");
            cluster.clock.advance(Duration.ofHours(5));
            assertTrue(await(reader.dht().findPointers(kept)).isEmpty(), "25 h after the last republish");
        }
    }

    @Test
    void configuredSeedsAreRetriedUntilOneAnswers() {
        try (DhtCluster cluster = new DhtCluster(13)) {
            InetSocketAddress seedAddress = cluster.network.nextAddress();
            Node joiner = cluster.add(config -> config.seeds = new String[] {DhtCluster.seedText(seedAddress)});
            assertFalse(joiner.dht().seedJoin().isDone(), "nobody listened at the seed address at first");

            Node seed = cluster.add(cluster.newIdentity(), seedAddress, config -> { });

            assertEquals(1, await(joiner.dht().seedJoin()), "a later round reached the seed");
            assertEquals(Set.of(seed.id()), tableIds(joiner));
            assertEquals(Set.of(joiner.id()), tableIds(seed));
        }
    }

    @Test
    void aNodeWhoseSeedIsSilentButThatAPeerContactedLooksItselfUpThroughThatPeer() {
        try (DhtCluster cluster = new DhtCluster(17)) {
            InetSocketAddress silentSeed = cluster.network.nextAddress();
            Node joiner = cluster.add(config -> config.seeds = new String[] {DhtCluster.seedText(silentSeed)});
            assertFalse(joiner.dht().seedJoin().isDone(), "nobody listens at the seed address");
            List<Node> network = cluster.addJoined(4, config -> { });

            await(network.get(0).dht().bootstrap(joiner.transport().localNode().address()));

            assertEquals(4, await(joiner.dht().seedJoin()), "its next seed round looked itself up");
            assertEquals(ids(network.stream().map(n -> n.transport().localNode()).toList()), tableIds(joiner));
        }
    }

    @Test
    void aRestartedNodeRejoinsThroughThePeersItKnewWhenItsSeedIsGone(@TempDir Path dir) throws Exception {
        try (DhtCluster cluster = new DhtCluster(15)) {
            Path contacts = dir.resolve("dht-contacts");
            List<Node> peers = cluster.addJoined(5, config -> { });
            Node seed = peers.get(0);
            Node restarting = cluster.add(config -> config.knownContactsFile = contacts.toString());
            await(restarting.dht().bootstrap(seed.transport().localNode().address()));
            assertEquals(5, restarting.state().table().size());

            restarting.dht().deactivate();
            List<String> saved = Files.readAllLines(contacts).stream().filter(l -> !l.startsWith("#")).toList();
            assertEquals(5, saved.size(), "every peer's address was saved: " + saved);
            cluster.network.leave(restarting.transport());
            seed.dht().deactivate();
            cluster.network.leave(seed.transport());

            Node again = cluster.add(restarting.identity(), restarting.transport().localNode().address(),
                    config -> config.knownContactsFile = contacts.toString());
            assertEquals(4, (int) await(again.dht().seedJoin()), "joined through the four peers still there");
            assertEquals(ids(peers.subList(1, 5).stream().map(n -> n.transport().localNode()).toList()),
                    tableIds(again));
        }
    }

    @Test
    void aNodeThatNeverJoinedKeepsTheContactsFileItHad(@TempDir Path dir) throws Exception {
        try (DhtCluster cluster = new DhtCluster(16)) {
            Path contacts = dir.resolve("dht-contacts");
            Files.writeString(contacts, "127.0.0.1:1\n");
            Node lonely = cluster.add(config -> config.knownContactsFile = contacts.toString());
            lonely.dht().deactivate();
            assertEquals("127.0.0.1:1\n", Files.readString(contacts), "an empty table does not replace it");
        }
    }

    @Test
    void staleBucketsAreRefreshedWithLookups() {
        try (DhtCluster cluster = new DhtCluster(14)) {
            List<Node> nodes = cluster.addJoined(6, config -> { });
            Node first = nodes.get(0);
            assertEquals(0, await(first.dht().refreshStaleBuckets()), "nothing is stale yet");
            long trafficBefore = nodes.stream().mapToLong(n -> n.transport().inboundCount()).sum();

            cluster.clock.advance(Duration.ofHours(2));
            int refreshed = await(first.dht().refreshStaleBuckets());

            assertTrue(refreshed > 0);
            assertTrue(nodes.stream().mapToLong(n -> n.transport().inboundCount()).sum() > trafficBefore);
            assertEquals(0, await(first.dht().refreshStaleBuckets()), "every stale bucket was looked up");
        }
    }

    @Test
    void invalidInboundRequestsGetErrorRepliesNeverExceptions() {
        try (DhtCluster cluster = new DhtCluster(15)) {
            Node a = cluster.add();
            Node b = cluster.add();
            DhtResponder handler = a.responder();
            NodeInfo sender = b.transport().localNode();

            assertEquals(ErrorCode.UNKNOWN_TYPE, errorCode(handler.answer(sender, new Message.Pong())));
            assertEquals(ErrorCode.UNKNOWN_TYPE, errorCode(handler.answer(sender, new Message.FoundNodes(List.of()))));
            assertEquals(ErrorCode.BAD_FRAME, errorCode(handler.answer(null, new Message.Ping())));
            assertEquals(ErrorCode.BAD_FRAME, errorCode(handler.answer(sender, null)));
            ContentHash hash = HASHER.hash(new byte[] {5});
            TesseraPointer future = pointer(hash, b, cluster.clock.millis() + Duration.ofHours(1).toMillis());
            assertEquals(ErrorCode.REFUSED, errorCode(handler.answer(sender, new Message.Store(future))));

            RemoteErrorException overTheWire = assertInstanceOf(RemoteErrorException.class,
                    failure(b.transport().request(a.contact(), new Message.Stored())));
            assertEquals(ErrorCode.NO_HANDLER, overTheWire.code(), "the DHT does not take answers as requests");
        }
    }

    @Test
    void deactivateStopsEveryThreadAndFailsLookupsInFlight() throws Exception {
        try (DhtCluster cluster = new DhtCluster(16, Duration.ofSeconds(60))) {
            Node a = cluster.add(config -> config.rpcTimeoutMillis = 60_000);
            Node hung = cluster.add();
            await(a.dht().bootstrap(address(hung)));
            hung.transport().makeUnresponsive();
            CompletableFuture<List<NodeInfo>> pending = a.dht().findClosest(hung.id());
            assertFalse(pending.isDone(), "the lookup waits for the hung node");
            List<Thread> threads = a.dht().threads();
            assertFalse(threads.isEmpty());

            a.dht().deactivate();

            ExecutionException stopped = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
            assertTrue(stopped.getCause().getMessage().contains("stopped"), stopped.getCause().getMessage());
            assertTrue(a.dht().isTerminated());
            for (Thread thread : threads) {
                thread.join(5000);
                assertFalse(thread.isAlive(), thread.getName() + " outlived the DHT");
            }
            assertInstanceOf(TransportException.class, failure(a.dht().findClosest(hung.id())));
            assertInstanceOf(Message.Pong.class, a.responder().answer(hung.transport().localNode(), new Message.Ping()),
                    "the answering side lives on with the node's state");
        }
    }

    @Test
    void badConfigurationIsRefusedNamingTheProperty() {
        TestConfig config = new TestConfig();
        config.alpha = 30;
        MemoryIdentity identity;
        try (DhtCluster cluster = new DhtCluster(17)) {
            identity = cluster.newIdentity();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KademliaNode(identity, VERIFIER, config));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    /** Answers pings, and every lookup request with the same list of nodes. */
    private record Gossip(List<NodeInfo> told) implements RequestHandler {
        @Override
        public Message answer(NodeInfo sender, Message request) {
            if (request instanceof Message.Ping) {
                return new Message.Pong();
            }
            if (request instanceof Message.FindNode || request instanceof Message.FindValue) {
                return new Message.FoundNodes(told);
            }
            return new Message.ErrorReply(ErrorCode.UNKNOWN_TYPE, "gossip only gossips");
        }
    }

    static InetSocketAddress address(Node node) {
        return node.transport().localNode().address();
    }

    static Set<NodeId> ids(List<NodeInfo> nodes) {
        return nodes.stream().map(NodeInfo::id).collect(Collectors.toSet());
    }

    static Set<NodeId> tableIds(Node node) {
        return node.dht().routingTable().stream().map(entry -> entry.node().id()).collect(Collectors.toSet());
    }

    private static List<NodeId> bucketOrder(Node node, int bucket) {
        return node.dht().routingTable().stream().filter(entry -> entry.bucket() == bucket)
                .map(entry -> entry.node().id()).collect(Collectors.toList());
    }

    private static void assertSortedByDistance(List<NodeInfo> nodes, NodeId target) {
        for (int i = 1; i < nodes.size(); i++) {
            assertTrue(XorMetric.compareDistances(nodes.get(i - 1).id(), nodes.get(i).id(), target) < 0,
                    "results must be nearest first");
        }
    }

    /** A pointer by {@code publisher} as the owner of {@code hash} (a whole copy it holds itself), signed. */
    static TesseraPointer pointer(ContentHash hash, Node publisher, long publishedAtMillis) {
        return signed(manifest(hash, publisher), publisher, List.of(holding(publisher)), publishedAtMillis);
    }

    /** The manifest of a small tessera {@code hash}, signed by {@code owner}. */
    static TesseraManifest manifest(ContentHash hash, Node owner) {
        FragmentPlan plan = FragmentPlan.of(hash, 1000, FragmentationTier.SMALL, 1, 0, 7);
        return owner.identity().signManifest(plan, TestManifests.CODEC, List.of(hash), 1_700_000_000_000L);
    }

    static TesseraPointer signed(TesseraManifest manifest, Node publisher, List<Holder> holders, long at) {
        return publisher.identity().signPointer(manifest, holders, at);
    }

    static Holder holding(Node node) {
        return new Holder(node.id(), address(node), List.of(0));
    }

    private static String refusal(Message reply) {
        Message.ErrorReply error = assertInstanceOf(Message.ErrorReply.class, reply);
        assertEquals(ErrorCode.REFUSED, error.code());
        return error.reason();
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static ErrorCode errorCode(Message reply) {
        return assertInstanceOf(Message.ErrorReply.class, reply).code();
    }

    private static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }
}
