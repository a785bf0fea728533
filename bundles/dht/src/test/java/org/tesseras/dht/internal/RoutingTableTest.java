package org.tesseras.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;

class RoutingTableTest {
    private final Random random = new Random(42);
    private final NodeId self = randomId();

    @Test
    void ownIdNeverEntersAndEachNodeLandsInItsSharedPrefixBucket() {
        RoutingTable table = new RoutingTable(self, 20, 0);
        assertEquals(RoutingTable.Outcome.SELF, table.observe(node(self), 1).outcome());
        assertEquals(0, table.size());
        for (int bucket = 0; bucket < NodeId.BITS; bucket++) {
            NodeId id = XorMetric.randomIdWithSharedPrefix(self, bucket, random);
            assertEquals(bucket, XorMetric.sharedPrefixBits(self, id));
            assertEquals(bucket, table.bucketOf(id));
            assertEquals(RoutingTable.Outcome.ADDED, table.observe(node(id), 1).outcome());
        }
        assertEquals(NodeId.BITS, table.size());
        assertEquals(NodeId.BITS - 1, table.snapshot().get(0).bucket(), "nearest bucket first");
    }

    @Test
    void fullBucketAsksForOnePingOfItsOldestAndCachesNewcomers() {
        RoutingTable table = new RoutingTable(self, 2, 0);
        NodeInfo first = node(XorMetric.randomIdWithSharedPrefix(self, 3, random));
        NodeInfo second = node(XorMetric.randomIdWithSharedPrefix(self, 3, random));
        NodeInfo third = node(XorMetric.randomIdWithSharedPrefix(self, 3, random));
        NodeInfo fourth = node(XorMetric.randomIdWithSharedPrefix(self, 3, random));
        table.observe(first, 1);
        table.observe(second, 2);

        RoutingTable.Observation full = table.observe(third, 3);
        assertEquals(RoutingTable.Outcome.CACHED, full.outcome());
        assertEquals(first, full.oldestToPing());
        assertNull(table.observe(fourth, 4).oldestToPing(), "one eviction ping per bucket at a time");

        assertEquals(RoutingTable.Outcome.REFRESHED, table.observe(first, 5).outcome());
        table.pingAnswered(first.id());
        assertTrue(table.contains(first.id()) && table.contains(second.id()));
        assertTrue(table.isCached(third.id()) && table.isCached(fourth.id()));

        RoutingTable.Observation again = table.observe(third, 6);
        assertEquals(second, again.oldestToPing(), "after the ping settled, the next oldest is asked about");
        assertEquals(third, table.pingFailed(second.id()).orElseThrow(),
                "the most recently seen cached node is promoted");
        assertFalse(table.contains(second.id()));
        assertTrue(table.contains(third.id()));
        assertTrue(table.isCached(fourth.id()));
    }

    @Test
    void nodeLeavesAfterMaxFailedRpcsInARowAtItsKnownAddressAndAnAnswerResetsTheCount() {
        RoutingTable table = new RoutingTable(self, 20, 0);
        NodeInfo peer = node(randomId());
        table.observe(peer, 1);

        Contact contact = Contact.of(peer);
        assertFalse(table.recordFailure(contact, 3));
        assertFalse(table.recordFailure(contact, 3));
        table.touch(peer.id(), 2);
        assertFalse(table.recordFailure(contact, 3));
        assertFalse(table.recordFailure(contact, 3));
        Contact gossipedAddress = new Contact(peer.id(), node(peer.id()).address());
        for (int i = 0; i < 5; i++) {
            assertFalse(table.recordFailure(gossipedAddress, 3), "failures at an address the table does not know");
        }
        assertTrue(table.recordFailure(contact, 3));
        assertFalse(table.contains(peer.id()));
    }

    @Test
    void closestMatchesBruteForceAndLeavesOutTheExcluded() {
        RoutingTable table = new RoutingTable(self, 20, 0);
        List<NodeInfo> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            NodeInfo node = node(randomId());
            if (table.observe(node, i).outcome() == RoutingTable.Outcome.ADDED) {
                all.add(node);
            }
        }
        NodeId target = randomId();
        NodeInfo excluded = all.get(7);
        List<NodeInfo> expected = all.stream().filter(node -> !node.equals(excluded))
                .sorted(Comparator.comparing(NodeInfo::id, XorMetric.byDistanceTo(target))).limit(20).toList();

        assertEquals(expected, table.closest(target, 20, excluded.id()));
    }

    @Test
    void staleBucketsAreThoseNotLookedUpWithinTheInterval() {
        RoutingTable table = new RoutingTable(self, 20, 0);
        table.observe(node(XorMetric.randomIdWithSharedPrefix(self, 2, random)), 0);
        table.observe(node(XorMetric.randomIdWithSharedPrefix(self, 5, random)), 0);
        assertEquals(List.of(), table.staleBuckets(999, 1000, 0));

        table.markLookup(XorMetric.randomIdWithSharedPrefix(self, 4, random), 500);
        assertEquals(List.of(0, 1, 2, 3, 5, NodeId.BITS - 1), table.staleBuckets(1000, 1000, 0));
        assertEquals(Set.copyOf(List.of(2, 3, 5, NodeId.BITS - 1)), Set.copyOf(table.staleBuckets(1000, 1000, 2)));
    }

    @Test
    void fiftySybilNodeIdsFromOneSlash24TakeNoMoreThanTheSubnetLimits() throws Exception {
        RoutingTable table = new RoutingTable(self, 20, 0, 2, 10);
        List<NodeInfo> honest = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            honest.add(nodeAt(randomId(), new byte[] {(byte) 198, 51, (byte) i, 7}));
        }
        int sybilsTaken = 0;
        for (int i = 0; i < 50; i++) {
            NodeInfo sybil = nodeAt(randomId(), new byte[] {(byte) 203, 0, 113, (byte) (i + 1)});
            RoutingTable.Outcome outcome = table.observe(sybil, i).outcome();
            if (outcome == RoutingTable.Outcome.ADDED) {
                sybilsTaken++;
            } else {
                assertEquals(RoutingTable.Outcome.SUBNET_FULL, outcome, "a sybil over the limit is refused");
            }
        }
        for (NodeInfo node : honest) {
            assertEquals(RoutingTable.Outcome.ADDED, table.observe(node, 100).outcome(), "honest " + node.address());
        }

        assertTrue(sybilsTaken <= 10, sybilsTaken + " sybils in the table");
        assertEquals(sybilsTaken, table.countInSubnet("203.0.113.0/24"));
        int[] perBucket = new int[NodeId.BITS];
        for (var entry : table.snapshot()) {
            if (entry.node().subnet().equals("203.0.113.0/24")) {
                perBucket[entry.bucket()]++;
            }
        }
        for (int bucket = 0; bucket < NodeId.BITS; bucket++) {
            assertTrue(perBucket[bucket] <= 2, perBucket[bucket] + " sybils in bucket " + bucket);
        }
        assertEquals(40 + sybilsTaken, table.size(), "every honest node from its own /24 got in");
    }

    @Test
    void aSubnetCannotFloodAFullBucketsReplacementCacheAndOneOfItsNodesLeavingLetsAnotherIn() throws Exception {
        RoutingTable table = new RoutingTable(self, 2, 0, 1, 10);
        NodeInfo a = nodeAt(XorMetric.randomIdWithSharedPrefix(self, 0, random), new byte[] {(byte) 198, 51, 100, 1});
        NodeInfo b = nodeAt(XorMetric.randomIdWithSharedPrefix(self, 0, random), new byte[] {(byte) 198, 51, 101, 1});
        table.observe(a, 1);
        table.observe(b, 2);
        NodeInfo sameAsA = nodeAt(XorMetric.randomIdWithSharedPrefix(self, 0, random),
                new byte[] {(byte) 198, 51, 100, 2});
        assertEquals(RoutingTable.Outcome.SUBNET_FULL, table.observe(sameAsA, 3).outcome());
        NodeInfo c = nodeAt(XorMetric.randomIdWithSharedPrefix(self, 0, random), new byte[] {(byte) 198, 51, 102, 1});
        NodeInfo c2 = nodeAt(XorMetric.randomIdWithSharedPrefix(self, 0, random), new byte[] {(byte) 198, 51, 102, 2});
        assertEquals(RoutingTable.Outcome.CACHED, table.observe(c, 4).outcome());
        assertEquals(RoutingTable.Outcome.SUBNET_FULL, table.observe(c2, 5).outcome(), "one per subnet in the cache");

        assertEquals(c, table.pingFailed(a.id()).orElseThrow(), "the cached node of another subnet takes a's slot");
        assertEquals(RoutingTable.Outcome.CACHED, table.observe(sameAsA, 6).outcome(), "a's subnet has room again");
    }

    @Test
    void theDhtNodeCapsFiftyGenuineIdentitiesFromOneSlash24() throws Exception {
        TestConfig config = new TestConfig();
        KademliaNode node = new KademliaNode(MemoryIdentityHolder.ONE.nodeId(), DhtCluster.VERIFIER, config.settings(),
                java.time.Clock.systemUTC(), new Random(3));
        for (int i = 0; i < 50; i++) {
            var sybil = org.tesseras.transport.memory.MemoryIdentity.generate(DhtCluster.VERIFIER);
            node.observe(sybil.nodeInfo(new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (i + 1)}), 4433)));
        }
        assertTrue(node.table().size() <= config.maxNodesPerSubnet, node.table().size() + " sybils in the table");
        assertTrue(node.table().size() >= config.maxNodesPerSubnetPerBucket, "the first of them were taken");
    }

    /** One identity for tests that need a node id. */
    private static final class MemoryIdentityHolder {
        static final org.tesseras.transport.memory.MemoryIdentity ONE =
                org.tesseras.transport.memory.MemoryIdentity.generate(DhtCluster.VERIFIER, 99);
    }

    private static NodeInfo nodeAt(NodeId id, byte[] ip) throws java.net.UnknownHostException {
        return new NodeInfo(id, new byte[NodeInfo.PUBLIC_KEY_LENGTH], 0,
                new InetSocketAddress(InetAddress.getByAddress(ip), 7000), Set.of());
    }

    private NodeId randomId() {
        byte[] bytes = new byte[NodeId.LENGTH];
        random.nextBytes(bytes);
        return new NodeId(bytes);
    }

    private NodeInfo node(NodeId id) {
        try {
            byte[] ip = {10, (byte) random.nextInt(256), (byte) random.nextInt(256), 1};
            return new NodeInfo(id, new byte[NodeInfo.PUBLIC_KEY_LENGTH], 0,
                    new InetSocketAddress(InetAddress.getByAddress(ip), 7000), Set.of());
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
