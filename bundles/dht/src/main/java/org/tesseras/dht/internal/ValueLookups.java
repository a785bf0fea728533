package org.tesseras.dht.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.Failures;

/**
 * Pointers and catalogue pages over the lookups: found on the k nodes closest to their key, each answer verified
 * here whatever the answering node says (a forged or unentitled one is dropped), merged newest per publisher, and
 * given to the close nodes that lacked them; stored on the k closest nodes, and here when this node is one of them.
 */
final class ValueLookups {
    private static final Logger LOG = LoggerFactory.getLogger(ValueLookups.class);
    /** Most missing pointers handed to one close node after a lookup. */
    private static final int MAX_REPAIR_STORES_PER_NODE = 8;

    private final KademliaNode node;
    private final OutboundLookups lookups;

    ValueLookups(KademliaNode node, OutboundLookups lookups) {
        this.node = node;
        this.lookups = lookups;
    }

    /** Every verified pointer of {@code tesseraHash} the closest nodes (and this one) keep, newest per publisher. */
    CompletableFuture<Optional<PointerRecords>> findPointers(ContentHash tesseraHash) {
        NodeId key = tesseraHash.dhtKey();
        DhtSettings s = node.settings();
        node.table().markLookup(key, node.now());
        NodeLookup lookup = NodeLookup.forValue(key, new Message.FindValue(tesseraHash),
                message -> message instanceof Message.FoundValue, s.k(), s.alpha(), lookups::query, node::admissible);
        return lookups.run(lookup, node.table().closest(key, s.k(), null)).thenApply(result -> {
            Map<NodeId, TesseraPointer> newest = new LinkedHashMap<>();
            Map<NodeId, List<TesseraPointer>> returnedBy = new HashMap<>();
            for (TesseraPointer local : node.pointers().get(tesseraHash, node.now())) {
                newest.put(local.publisher(), local);
            }
            for (NodeLookup.ValueReply reply : result.values()) {
                List<TesseraPointer> good = new ArrayList<>();
                for (TesseraPointer pointer : ((Message.FoundValue) reply.value()).pointers()) {
                    if (trusted(pointer, tesseraHash, reply.from())) {
                        good.add(pointer);
                        newest.merge(pointer.publisher(), pointer,
                                (a, b) -> b.publishedAtMillis() > a.publishedAtMillis() ? b : a);
                    }
                }
                returnedBy.put(reply.from().id(), good);
            }
            if (newest.isEmpty()) {
                return Optional.empty();
            }
            for (NodeInfo close : result.closest()) {
                List<TesseraPointer> had = returnedBy.getOrDefault(close.id(), List.of());
                newest.values().stream().filter(p -> had.stream().noneMatch(h -> h.publisher().equals(p.publisher())
                        && h.publishedAtMillis() >= p.publishedAtMillis())).limit(MAX_REPAIR_STORES_PER_NODE)
                        .forEach(p -> store(close, new Message.Store(p), "the pointer of " + tesseraHash));
            }
            return Optional.of(new PointerRecords(tesseraHash, List.copyOf(newest.values())));
        });
    }

    /** Stores {@code pointer} on {@code closest} (and here, if this node is among them); completes with the takers. */
    CompletableFuture<Integer> storePointer(TesseraPointer pointer, List<NodeInfo> closest) {
        long now = node.now();
        boolean here = isAmongClosest(pointer.tesseraHash().dhtKey(), closest)
                && node.verifier().pointerFault(pointer).isEmpty()
                && node.pointers().put(pointer, now, now + node.settings().pointerTtlMillis())
                        == PointerStore.Outcome.STORED;
        return storeOn(closest, new Message.Store(pointer), here, "the pointer of " + pointer.tesseraHash());
    }

    /** Stores {@code pointer} on the k nodes closest to its key, looked up first. */
    CompletableFuture<Integer> storePointerOnClosest(TesseraPointer pointer) {
        return lookups.lookupNodes(pointer.tesseraHash().dhtKey())
                .thenCompose(result -> storePointer(pointer, result.closest()));
    }

    /** The newest verified page {@code page} of {@code owner}'s catalogue the nodes closest to it keep. */
    CompletableFuture<Optional<CataloguePage>> findCatalogue(NodeId owner, int page) {
        DhtSettings s = node.settings();
        node.table().markLookup(owner, node.now());
        NodeLookup lookup = NodeLookup.forValue(owner, new Message.FindCatalogue(owner, page),
                message -> message instanceof Message.FoundCatalogue found && found.page().owner().equals(owner)
                        && found.page().page() == page, s.k(), s.alpha(), lookups::query, node::admissible);
        return lookups.run(lookup, node.table().closest(owner, s.k(), null)).thenApply(result -> {
            Optional<CataloguePage> best = node.catalogues().get(owner, page, node.now());
            Map<NodeId, Long> returnedAt = new HashMap<>();
            for (NodeLookup.ValueReply reply : result.values()) {
                CataloguePage found = ((Message.FoundCatalogue) reply.value()).page();
                Optional<String> fault = node.verifier().catalogueFault(found);
                if (fault.isPresent()) {
                    LOG.info("Dropped a catalogue page of {} from {}: {}", owner, reply.from().id(), fault.get());
                    continue;
                }
                returnedAt.put(reply.from().id(), found.publishedAtMillis());
                if (best.isEmpty() || found.publishedAtMillis() > best.get().publishedAtMillis()) {
                    best = Optional.of(found);
                }
            }
            best.ifPresent(newest -> result.closest().stream()
                    .filter(n -> returnedAt.getOrDefault(n.id(), -1L) < newest.publishedAtMillis())
                    .forEach(n -> store(n, new Message.StoreCatalogue(newest), "catalogue page of " + owner)));
            return best;
        });
    }

    /** Stores {@code page} on the k nodes closest to its owner's id (and here when this node is one of them). */
    CompletableFuture<Integer> storeCatalogue(CataloguePage page) {
        return lookups.lookupNodes(page.owner()).thenCompose(result -> {
            long now = node.now();
            boolean here = isAmongClosest(page.owner(), result.closest())
                    && node.verifier().catalogueFault(page).isEmpty()
                    && node.catalogues().put(page, now, now + node.settings().catalogueTtlMillis())
                            != PointerStore.Outcome.FULL;
            return storeOn(result.closest(), new Message.StoreCatalogue(page), here, "catalogue page of "
                    + page.owner());
        });
    }

    private boolean trusted(TesseraPointer pointer, ContentHash asked, NodeInfo from) {
        if (!pointer.tesseraHash().equals(asked)) {
            return false;
        }
        Optional<String> fault = node.verifier().pointerFault(pointer);
        if (fault.isPresent()) {
            LOG.info("Dropped a pointer of {} from {}: {}", asked, from.id(), fault.get());
            return false;
        }
        return true;
    }

    private CompletableFuture<Integer> storeOn(List<NodeInfo> closest, Message store, boolean keptHere, String what) {
        List<CompletableFuture<Boolean>> stores = new ArrayList<>();
        for (NodeInfo target : closest) {
            if (!target.id().equals(node.self())) {
                stores.add(store(target, store, what));
            }
        }
        return CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new)).thenApply(v -> {
            int taken = keptHere ? 1 : 0;
            for (CompletableFuture<Boolean> sent : stores) {
                taken += sent.join() ? 1 : 0;
            }
            return taken;
        });
    }

    private CompletableFuture<Boolean> store(NodeInfo target, Message store, String what) {
        return lookups.rpc(Contact.of(target), store).handle((reply, error) -> {
            if (error != null) {
                LOG.debug("Store of {} on {} failed: {}", what, target.id(), Failures.unwrap(error).getMessage());
                return false;
            }
            return reply.message() instanceof Message.Stored;
        });
    }

    private boolean isAmongClosest(NodeId key, List<NodeInfo> closest) {
        return closest.size() < node.settings().k()
                || XorMetric.compareDistances(node.self(), closest.get(closest.size() - 1).id(), key) < 0;
    }
}
