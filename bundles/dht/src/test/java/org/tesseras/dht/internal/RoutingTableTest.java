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
