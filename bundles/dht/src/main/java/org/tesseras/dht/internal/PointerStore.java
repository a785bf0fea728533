package org.tesseras.dht.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraPointer;

/**
 * The tessera pointers this node keeps for the network (already verified by whoever hands them in): one per
 * publisher and tessera, each until its expiry; a publisher's newer pointer replaces its own older one, never
 * another's. What keeps real pointers in place against a flood:
 * <ul>
 * <li>per tessera at most {@code maxPerTessera} pointers; when full, a newcomer must outrank the weakest kept one
 * (the owner's pointer outranks a pointer whose publisher another kept pointer names as a holder, which outranks
 * a pointer nobody else vouches for); the oldest of the weakest rank goes, and a newcomer of equal rank waits, so
 * strangers cannot churn what is kept;</li>
 * <li>in all at most {@code maxEntries} pointers; when full, the publisher keeping the most pointers here gives
 * one up (its weakest, farthest from this node), so a publisher flooding near this node evicts its own.</li>
 * </ul>
 */
final class PointerStore {

    /** What a store request did. */
    enum Outcome {
        /** Kept (new, newer, or the same pointer with a new expiry). */
        STORED,
        /** The publisher's own newer pointer of the tessera is kept instead. */
        NEWER_KEPT,
        /** No room: what is kept outranks the offered pointer. */
        FULL
    }

    private final NodeId self;
    private final int maxEntries;
    private final int maxPerTessera;
    private final Map<ContentHash, Map<NodeId, Kept>> byTessera = new HashMap<>();
    private final Map<NodeId, Integer> perPublisher = new HashMap<>();
    private int size;

    PointerStore(NodeId self, int maxEntries, int maxPerTessera) {
        this.self = self;
        this.maxEntries = maxEntries;
        this.maxPerTessera = maxPerTessera;
    }

    /** Keeps {@code pointer} until {@code expiresAtMillis}, by the rules above. */
    synchronized Outcome put(TesseraPointer pointer, long nowMillis, long expiresAtMillis) {
        ContentHash hash = pointer.tesseraHash();
        Map<NodeId, Kept> records = byTessera.computeIfAbsent(hash, h -> new LinkedHashMap<>());
        Kept existing = records.get(pointer.publisher());
        if (existing != null && existing.expiresAtMillis() > nowMillis) {
            if (existing.pointer().publishedAtMillis() > pointer.publishedAtMillis()) {
                return Outcome.NEWER_KEPT;
            }
            records.put(pointer.publisher(), new Kept(pointer, Math.max(expiresAtMillis, existing.expiresAtMillis())));
            return Outcome.STORED;
        }
        if (existing != null) {
            remove(hash, pointer.publisher());
            records = byTessera.computeIfAbsent(hash, h -> new LinkedHashMap<>());
        }
        if (records.size() >= maxPerTessera) {
            sweep(hash, nowMillis);
            records = byTessera.computeIfAbsent(hash, h -> new LinkedHashMap<>());
        }
        if (records.size() >= maxPerTessera) {
            Kept weakest = weakest(records.values(), records);
            if (rank(pointer, records) <= rank(weakest.pointer(), records)) {
                dropIfEmpty(hash);
                return Outcome.FULL;
            }
            remove(hash, weakest.pointer().publisher());
            records = byTessera.computeIfAbsent(hash, h -> new LinkedHashMap<>());
        }
        if (size >= maxEntries) {
            sweep(nowMillis);
            records = byTessera.computeIfAbsent(hash, h -> new LinkedHashMap<>());
        }
        if (size >= maxEntries) {
            NodeId heaviest = heaviestPublisher();
            int theirs = perPublisher.getOrDefault(heaviest, 0);
            if (heaviest.equals(pointer.publisher()) || perPublisher.getOrDefault(pointer.publisher(), 0) + 1 >= theirs) {
                dropIfEmpty(hash);
                return Outcome.FULL;
            }
            evictOneOf(heaviest);
            records = byTessera.computeIfAbsent(hash, h -> new LinkedHashMap<>());
        }
        records.put(pointer.publisher(), new Kept(pointer, expiresAtMillis));
        perPublisher.merge(pointer.publisher(), 1, Integer::sum);
        size++;
        return Outcome.STORED;
    }

    /** The live pointers of {@code hash}, the strongest first. */
    synchronized List<TesseraPointer> get(ContentHash hash, long nowMillis) {
        Map<NodeId, Kept> records = byTessera.get(hash);
        if (records == null) {
            return List.of();
        }
        List<TesseraPointer> live = new ArrayList<>();
        for (Kept kept : records.values()) {
            if (kept.expiresAtMillis() > nowMillis) {
                live.add(kept.pointer());
            }
        }
        live.sort((a, b) -> compare(b, a, records));
        return List.copyOf(live);
    }

    /** Drops every expired pointer; returns how many. */
    synchronized int sweep(long nowMillis) {
        int removed = 0;
        for (ContentHash hash : new ArrayList<>(byTessera.keySet())) {
            removed += sweep(hash, nowMillis);
        }
        return removed;
    }

    /** Pointers kept, expired ones not yet swept included. */
    synchronized int size() {
        return size;
    }

    /** How many pointers {@code publisher} has here. */
    synchronized int countOf(NodeId publisher) {
        return perPublisher.getOrDefault(publisher, 0);
    }

    private int sweep(ContentHash hash, long nowMillis) {
        Map<NodeId, Kept> records = byTessera.get(hash);
        if (records == null) {
            return 0;
        }
        int removed = 0;
        for (Iterator<Map.Entry<NodeId, Kept>> it = records.entrySet().iterator(); it.hasNext();) {
            Map.Entry<NodeId, Kept> entry = it.next();
            if (entry.getValue().expiresAtMillis() <= nowMillis) {
                it.remove();
                forget(entry.getKey());
                removed++;
            }
        }
        dropIfEmpty(hash);
        return removed;
    }

    private void remove(ContentHash hash, NodeId publisher) {
        Map<NodeId, Kept> records = byTessera.get(hash);
        if (records != null && records.remove(publisher) != null) {
            forget(publisher);
        }
        dropIfEmpty(hash);
    }

    private void forget(NodeId publisher) {
        perPublisher.computeIfPresent(publisher, (p, n) -> n == 1 ? null : n - 1);
        size--;
    }

    private void dropIfEmpty(ContentHash hash) {
        Map<NodeId, Kept> records = byTessera.get(hash);
        if (records != null && records.isEmpty()) {
            byTessera.remove(hash);
        }
    }

    private NodeId heaviestPublisher() {
        return perPublisher.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Gives up one pointer of {@code publisher}: its weakest, the farthest from this node among equals. */
    private void evictOneOf(NodeId publisher) {
        ContentHash chosen = null;
        TesseraPointer chosenPointer = null;
        for (Map.Entry<ContentHash, Map<NodeId, Kept>> entry : byTessera.entrySet()) {
            Kept kept = entry.getValue().get(publisher);
            if (kept == null) {
                continue;
            }
            if (chosen == null) {
                chosen = entry.getKey();
                chosenPointer = kept.pointer();
                continue;
            }
            int rank = rank(kept.pointer(), entry.getValue()) - rank(chosenPointer, byTessera.get(chosen));
            if (rank < 0 || rank == 0
                    && XorMetric.compareDistances(entry.getKey().dhtKey(), chosen.dhtKey(), self) > 0) {
                chosen = entry.getKey();
                chosenPointer = kept.pointer();
            }
        }
        remove(chosen, publisher);
    }

    private Kept weakest(Iterable<Kept> candidates, Map<NodeId, Kept> records) {
        Kept weakest = null;
        for (Kept kept : candidates) {
            if (weakest == null || compare(kept.pointer(), weakest.pointer(), records) < 0) {
                weakest = kept;
            }
        }
        return weakest;
    }

    /** Which of two pointers of one tessera is the stronger: rank, then the more recently published. */
    private int compare(TesseraPointer a, TesseraPointer b, Map<NodeId, Kept> records) {
        return Comparator.comparingInt((TesseraPointer p) -> rank(p, records))
                .thenComparingLong(TesseraPointer::publishedAtMillis).compare(a, b);
    }

    /**
     * 2 for the owner's pointer; 1 for a holder another kept pointer of the same fragments names as holding
     * fragments; 0 for a pointer nobody else vouches for.
     */
    private static int rank(TesseraPointer pointer, Map<NodeId, Kept> records) {
        if (pointer.byOwner()) {
            return 2;
        }
        for (Kept kept : records.values()) {
            TesseraPointer other = kept.pointer();
            if (other.publisher().equals(pointer.publisher()) || !other.manifest().sameFragmentsAs(pointer.manifest())) {
                continue;
            }
            for (Holder holder : other.holders()) {
                if (holder.node().equals(pointer.publisher()) && !holder.indices().isEmpty()) {
                    return 1;
                }
            }
        }
        return 0;
    }

    private record Kept(TesseraPointer pointer, long expiresAtMillis) {
    }
}
