package org.tesseras.dht.internal;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraPointer;

/**
 * The tessera pointers this node keeps for the network, each until its expiry. For one tessera the
 * pointer with the newer {@code publishedAtMillis} wins; storing the same one again extends its life.
 * Bounded: when full, the pointer whose key is farthest from this node makes room for a nearer one.
 */
final class PointerStore {

    /** What a store request did. */
    enum Outcome {
        /** Kept (new, newer, or the same pointer with a new expiry). */
        STORED,
        /** A newer pointer of the same tessera is kept instead. */
        NEWER_KEPT,
        /** Full of pointers nearer to this node than the offered one. */
        FULL
    }

    private final NodeId self;
    private final int maxEntries;
    private final Map<ContentHash, Kept> pointers = new HashMap<>();

    PointerStore(NodeId self, int maxEntries) {
        this.self = self;
        this.maxEntries = maxEntries;
    }

    /** Keeps {@code pointer} until {@code expiresAtMillis}, by the rules above. */
    synchronized Outcome put(TesseraPointer pointer, long nowMillis, long expiresAtMillis) {
        ContentHash hash = pointer.tesseraHash();
        Kept existing = pointers.get(hash);
        if (existing != null && existing.expiresAtMillis() > nowMillis) {
            if (existing.pointer().publishedAtMillis() > pointer.publishedAtMillis()) {
                return Outcome.NEWER_KEPT;
            }
            pointers.put(hash, new Kept(pointer, Math.max(expiresAtMillis, existing.expiresAtMillis())));
            return Outcome.STORED;
        }
        if (existing == null && pointers.size() >= maxEntries) {
            sweep(nowMillis);
        }
        if (existing == null && pointers.size() >= maxEntries) {
            ContentHash farthest = farthestKey();
            if (XorMetric.compareDistances(hash.dhtKey(), farthest.dhtKey(), self) >= 0) {
                return Outcome.FULL;
            }
            pointers.remove(farthest);
        }
        pointers.put(hash, new Kept(pointer, expiresAtMillis));
        return Outcome.STORED;
    }

    /** The live pointer of {@code hash}, if kept. */
    synchronized Optional<TesseraPointer> get(ContentHash hash, long nowMillis) {
        Kept kept = pointers.get(hash);
        return kept == null || kept.expiresAtMillis() <= nowMillis ? Optional.empty() : Optional.of(kept.pointer());
    }

    /** Drops every expired pointer; returns how many. */
    synchronized int sweep(long nowMillis) {
        int removed = 0;
        for (Iterator<Kept> it = pointers.values().iterator(); it.hasNext();) {
            if (it.next().expiresAtMillis() <= nowMillis) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** Pointers kept, expired ones not yet swept included. */
    synchronized int size() {
        return pointers.size();
    }

    private ContentHash farthestKey() {
        ContentHash farthest = null;
        for (ContentHash hash : pointers.keySet()) {
            if (farthest == null || XorMetric.compareDistances(hash.dhtKey(), farthest.dhtKey(), self) > 0) {
                farthest = hash;
            }
        }
        return farthest;
    }

    private record Kept(TesseraPointer pointer, long expiresAtMillis) {
    }
}
