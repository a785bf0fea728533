package org.tesseras.dht.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.NodeId;

/**
 * The pages of owners' catalogues this node keeps (already verified), each until its expiry, which every store of
 * it (the owner's, or another keeper's republishing) extends. An owner's newer page replaces its older one. When
 * full, the owner keeping the most pages here gives one up, so one owner cannot push the others out.
 */
final class CatalogueStore {
    private final int maxPages;
    private final Map<Key, Kept> pages = new HashMap<>();
    private final Map<NodeId, Integer> perOwner = new HashMap<>();

    CatalogueStore(int maxPages) {
        this.maxPages = maxPages;
    }

    private record Key(NodeId owner, int page) {
    }

    private record Kept(CataloguePage page, long expiresAtMillis) {
    }

    /** Keeps {@code page} until {@code expiresAtMillis}, by the rules above. */
    synchronized PointerStore.Outcome put(CataloguePage page, long nowMillis, long expiresAtMillis) {
        Key key = new Key(page.owner(), page.page());
        Kept existing = pages.get(key);
        if (existing != null) {
            if (existing.page().publishedAtMillis() > page.publishedAtMillis()) {
                pages.put(key, new Kept(existing.page(), Math.max(existing.expiresAtMillis(), expiresAtMillis)));
                return PointerStore.Outcome.NEWER_KEPT;
            }
            pages.put(key, new Kept(page, Math.max(existing.expiresAtMillis(), expiresAtMillis)));
            return PointerStore.Outcome.STORED;
        }
        if (pages.size() >= maxPages) {
            sweep(nowMillis);
        }
        if (pages.size() >= maxPages) {
            NodeId heaviest = perOwner.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            if (heaviest.equals(page.owner())
                    || perOwner.getOrDefault(page.owner(), 0) + 1 >= perOwner.get(heaviest)) {
                return PointerStore.Outcome.FULL;
            }
            Key last = pages.keySet().stream().filter(k -> k.owner().equals(heaviest))
                    .max((a, b) -> Integer.compare(a.page(), b.page())).orElseThrow();
            remove(last);
        }
        pages.put(key, new Kept(page, expiresAtMillis));
        perOwner.merge(page.owner(), 1, Integer::sum);
        return PointerStore.Outcome.STORED;
    }

    /** Page {@code page} of {@code owner}'s catalogue, if kept and live. */
    synchronized Optional<CataloguePage> get(NodeId owner, int page, long nowMillis) {
        Kept kept = pages.get(new Key(owner, page));
        return kept == null || kept.expiresAtMillis() <= nowMillis ? Optional.empty() : Optional.of(kept.page());
    }

    /** Every live page kept, to be republished. */
    synchronized List<CataloguePage> all(long nowMillis) {
        List<CataloguePage> live = new ArrayList<>();
        for (Kept kept : pages.values()) {
            if (kept.expiresAtMillis() > nowMillis) {
                live.add(kept.page());
            }
        }
        return live;
    }

    /** Drops every expired page; returns how many. */
    synchronized int sweep(long nowMillis) {
        int removed = 0;
        for (Iterator<Map.Entry<Key, Kept>> it = pages.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Key, Kept> entry = it.next();
            if (entry.getValue().expiresAtMillis() <= nowMillis) {
                it.remove();
                perOwner.computeIfPresent(entry.getKey().owner(), (o, n) -> n == 1 ? null : n - 1);
                removed++;
            }
        }
        return removed;
    }

    synchronized int size() {
        return pages.size();
    }

    private void remove(Key key) {
        if (pages.remove(key) != null) {
            perOwner.computeIfPresent(key.owner(), (o, n) -> n == 1 ? null : n - 1);
        }
    }
}
