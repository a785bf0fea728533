package org.tesseras.dht.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.tesseras.api.model.Contact;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RoutingEntry;

/**
 * The 160 k-buckets of one node. Bucket {@code i} holds the nodes sharing exactly {@code i} leading bits
 * with us, least-recently-seen first, plus a replacement cache of nodes seen while it was full. This
 * node's own id never enters. Thread-safe; it never does I/O: when a full bucket's oldest entry must
 * be pinged, {@link #observe} says so and the caller reports back.
 *
 * <p>Like S/Kademlia, the table limits what one network may take: at most {@code maxPerSubnetPerBucket} nodes of
 * one IPv4 /24 or IPv6 /48 in a bucket (and its replacement cache), and {@code maxPerSubnet} in the whole table, so
 * many NodeIds minted on one host or one small network cannot fill the buckets. A node over a limit is not taken
 * ({@link Outcome#SUBNET_FULL}); the nodes already there stay.
 */
final class RoutingTable {

    /** What observing a node did. */
    enum Outcome {
        /** The node is this node: ignored. */
        SELF,
        /** The node was new and took a free slot. */
        ADDED,
        /** The node was known and is now the most recently seen of its bucket. */
        REFRESHED,
        /** The bucket is full: the node waits in the replacement cache. */
        CACHED,
        /** The node's subnet already has as many nodes as the bucket or the table allow: not taken. */
        SUBNET_FULL
    }

    /** The outcome, and the bucket's oldest entry when the caller must ping it before anything is evicted. */
    record Observation(Outcome outcome, NodeInfo oldestToPing) {
    }

    private final NodeId self;
    private final int k;
    private final int maxPerSubnetPerBucket;
    private final int maxPerSubnet;
    private final Bucket[] buckets = new Bucket[NodeId.BITS];
    /** Nodes in the buckets (not the caches) per subnet. */
    private final Map<String, Integer> perSubnet = new HashMap<>();

    /** A table without subnet limits (every node may take a slot). */
    RoutingTable(NodeId self, int k, long nowMillis) {
        this(self, k, nowMillis, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    RoutingTable(NodeId self, int k, long nowMillis, int maxPerSubnetPerBucket, int maxPerSubnet) {
        if (maxPerSubnetPerBucket < 1 || maxPerSubnet < maxPerSubnetPerBucket) {
            throw new IllegalArgumentException("subnet limits must be 1 <= per bucket (" + maxPerSubnetPerBucket
                    + ") <= per table (" + maxPerSubnet + ")");
        }
        this.self = self;
        this.k = k;
        this.maxPerSubnetPerBucket = maxPerSubnetPerBucket;
        this.maxPerSubnet = maxPerSubnet;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket(nowMillis);
        }
    }

    /** How many nodes of {@code subnet} the buckets hold now. */
    synchronized int countInSubnet(String subnet) {
        return perSubnet.getOrDefault(subnet, 0);
    }

    NodeId self() {
        return self;
    }

    /** The bucket {@code id} belongs in, or -1 for this node's own id. */
    int bucketOf(NodeId id) {
        int shared = XorMetric.sharedPrefixBits(self, id);
        return shared == NodeId.BITS ? -1 : shared;
    }

    /** Records that {@code node} was just heard from (an authenticated message or reply). */
    synchronized Observation observe(NodeInfo node, long nowMillis) {
        int index = bucketOf(node.id());
        if (index < 0) {
            return new Observation(Outcome.SELF, null);
        }
        Bucket bucket = buckets[index];
        String subnet = node.subnet();
        Entry known = bucket.find(node.id());
        if (known != null) {
            NodeInfo kept = node;
            if (!known.subnet().equals(subnet) && !fits(bucket, subnet)) {
                kept = known.node();
            }
            bucket.entries.remove(known);
            uncount(known);
            bucket.entries.add(count(new Entry(kept, kept.subnet(), nowMillis, 0)));
            return new Observation(Outcome.REFRESHED, null);
        }
        bucket.replacements.remove(node.id());
        if (!fits(bucket, subnet)) {
            return new Observation(Outcome.SUBNET_FULL, null);
        }
        if (bucket.entries.size() < k) {
            bucket.entries.add(count(new Entry(node, subnet, nowMillis, 0)));
            return new Observation(Outcome.ADDED, null);
        }
        if (bucket.cachedInSubnet(subnet) >= maxPerSubnetPerBucket) {
            return new Observation(Outcome.SUBNET_FULL, null);
        }
        bucket.replacements.put(node.id(), new Entry(node, subnet, nowMillis, 0));
        if (bucket.replacements.size() > k) {
            Iterator<NodeId> eldest = bucket.replacements.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        if (bucket.pinging != null) {
            return new Observation(Outcome.CACHED, null);
        }
        NodeInfo oldest = bucket.entries.get(0).node();
        bucket.pinging = oldest.id();
        return new Observation(Outcome.CACHED, oldest);
    }

    /** The oldest entry answered the eviction ping: it stays (its reply already refreshed it). */
    synchronized void pingAnswered(NodeId oldest) {
        int index = bucketOf(oldest);
        if (index >= 0 && oldest.equals(buckets[index].pinging)) {
            buckets[index].pinging = null;
        }
    }

    /** The oldest entry did not answer the eviction ping: it goes, and the newest cached node takes its slot. */
    synchronized Optional<NodeInfo> pingFailed(NodeId oldest) {
        int index = bucketOf(oldest);
        if (index < 0) {
            return Optional.empty();
        }
        Bucket bucket = buckets[index];
        if (oldest.equals(bucket.pinging)) {
            bucket.pinging = null;
        }
        Entry entry = bucket.find(oldest);
        if (entry == null) {
            return Optional.empty();
        }
        bucket.entries.remove(entry);
        uncount(entry);
        return promote(bucket);
    }

    /**
     * Counts a failed request to {@code peer}; after {@code maxFailedRpcs} in a row the node leaves the table
     * and the newest cached node takes its slot. A failure at an address other than the one the table
     * knows does not count (someone may have gossiped a wrong address). Returns whether the node left.
     */
    synchronized boolean recordFailure(Contact peer, int maxFailedRpcs) {
        int index = bucketOf(peer.id());
        if (index < 0) {
            return false;
        }
        Bucket bucket = buckets[index];
        Entry cached = bucket.replacements.get(peer.id());
        if (cached != null) {
            if (cached.node().address().equals(peer.address())) {
                bucket.replacements.remove(peer.id());
            }
            return false;
        }
        Entry entry = bucket.find(peer.id());
        if (entry == null || !entry.node().address().equals(peer.address())) {
            return false;
        }
        int failures = entry.failedRpcs() + 1;
        int position = bucket.entries.indexOf(entry);
        if (failures < maxFailedRpcs) {
            bucket.entries.set(position, new Entry(entry.node(), entry.subnet(), entry.lastSeenMillis(), failures));
            return false;
        }
        uncount(bucket.entries.remove(position));
        promote(bucket);
        return true;
    }

    /** Refreshes a known node that answered without sending its NodeInfo (a fragment transfer). */
    synchronized void touch(NodeId id, long nowMillis) {
        int index = bucketOf(id);
        if (index < 0) {
            return;
        }
        Bucket bucket = buckets[index];
        Entry entry = bucket.find(id);
        if (entry != null) {
            bucket.entries.remove(entry);
            bucket.entries.add(new Entry(entry.node(), entry.subnet(), nowMillis, 0));
        }
    }

    /** Up to {@code count} known nodes nearest to {@code target}, nearest first, leaving out {@code excluded}. */
    synchronized List<NodeInfo> closest(NodeId target, int count, NodeId excluded) {
        List<NodeInfo> all = new ArrayList<>();
        for (Bucket bucket : buckets) {
            for (Entry entry : bucket.entries) {
                if (!entry.node().id().equals(excluded)) {
                    all.add(entry.node());
                }
            }
        }
        all.sort((a, b) -> XorMetric.compareDistances(a.id(), b.id(), target));
        return List.copyOf(all.subList(0, Math.min(count, all.size())));
    }

    synchronized boolean contains(NodeId id) {
        int index = bucketOf(id);
        return index >= 0 && buckets[index].find(id) != null;
    }

    /** Whether {@code id} waits in a replacement cache. */
    synchronized boolean isCached(NodeId id) {
        int index = bucketOf(id);
        return index >= 0 && buckets[index].replacements.containsKey(id);
    }

    synchronized int size() {
        int size = 0;
        for (Bucket bucket : buckets) {
            size += bucket.entries.size();
        }
        return size;
    }

    /** Every entry, nearest buckets first, each bucket least-recently-seen first. */
    synchronized List<RoutingEntry> snapshot() {
        List<RoutingEntry> entries = new ArrayList<>();
        for (int i = buckets.length - 1; i >= 0; i--) {
            for (Entry entry : buckets[i].entries) {
                entries.add(new RoutingEntry(entry.node(), i, Instant.ofEpochMilli(entry.lastSeenMillis())));
            }
        }
        return entries;
    }

    /** Notes a lookup of {@code target}: its bucket counts as refreshed. */
    synchronized void markLookup(NodeId target, long nowMillis) {
        int index = bucketOf(target);
        buckets[index < 0 ? NodeId.BITS - 1 : index].lastLookupMillis = nowMillis;
    }

    /**
     * Buckets no lookup touched for {@code intervalMillis}: those from {@code firstBucket} up to the nearest
     * non-empty one, and the nearest bucket of all (a lookup there is a self-lookup), which stands for the
     * empty buckets between.
     */
    synchronized List<Integer> staleBuckets(long nowMillis, long intervalMillis, int firstBucket) {
        List<Integer> stale = new ArrayList<>();
        int nearest = nearestNonEmptyBucket();
        for (int i = Math.max(0, firstBucket); i <= nearest; i++) {
            if (nowMillis - buckets[i].lastLookupMillis >= intervalMillis) {
                stale.add(i);
            }
        }
        int selfBucket = NodeId.BITS - 1;
        if (nearest >= 0 && nearest < selfBucket && nowMillis - buckets[selfBucket].lastLookupMillis >= intervalMillis) {
            stale.add(selfBucket);
        }
        return stale;
    }

    /** The highest-numbered (nearest) bucket holding a node, or -1 when the table is empty. */
    synchronized int nearestNonEmptyBucket() {
        for (int i = buckets.length - 1; i >= 0; i--) {
            if (!buckets[i].entries.isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    /** Whether one more node of {@code subnet} may enter {@code bucket}'s entries. */
    private boolean fits(Bucket bucket, String subnet) {
        return bucket.entriesInSubnet(subnet) < maxPerSubnetPerBucket
                && perSubnet.getOrDefault(subnet, 0) < maxPerSubnet;
    }

    private Entry count(Entry entry) {
        perSubnet.merge(entry.subnet(), 1, Integer::sum);
        return entry;
    }

    private void uncount(Entry entry) {
        perSubnet.computeIfPresent(entry.subnet(), (subnet, n) -> n <= 1 ? null : n - 1);
    }

    /** Moves the newest cached node whose subnet fits into the bucket's free slot; returns it. */
    private Optional<NodeInfo> promote(Bucket bucket) {
        if (bucket.entries.size() >= k) {
            return Optional.empty();
        }
        Entry promoted = null;
        for (Entry cached : bucket.replacements.values()) {
            if (fits(bucket, cached.subnet())) {
                promoted = cached;
            }
        }
        if (promoted == null) {
            return Optional.empty();
        }
        bucket.replacements.remove(promoted.node().id());
        int position = bucket.entries.size();
        while (position > 0 && bucket.entries.get(position - 1).lastSeenMillis() > promoted.lastSeenMillis()) {
            position--;
        }
        bucket.entries.add(position, count(promoted));
        return Optional.of(promoted.node());
    }

    private record Entry(NodeInfo node, String subnet, long lastSeenMillis, int failedRpcs) {
    }

    private static final class Bucket {
        /** Least-recently-seen first. */
        final List<Entry> entries = new ArrayList<>();
        /** Oldest first. */
        final LinkedHashMap<NodeId, Entry> replacements = new LinkedHashMap<>();
        long lastLookupMillis;
        NodeId pinging;

        Bucket(long nowMillis) {
            this.lastLookupMillis = nowMillis;
        }

        Entry find(NodeId id) {
            for (Entry entry : entries) {
                if (entry.node().id().equals(id)) {
                    return entry;
                }
            }
            return null;
        }

        int entriesInSubnet(String subnet) {
            int n = 0;
            for (Entry entry : entries) {
                if (entry.subnet().equals(subnet)) {
                    n++;
                }
            }
            return n;
        }

        int cachedInSubnet(String subnet) {
            int n = 0;
            for (Entry entry : replacements.values()) {
                if (entry.subnet().equals(subnet)) {
                    n++;
                }
            }
            return n;
        }
    }
}
