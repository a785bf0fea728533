package org.tesseras.replication.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.Failures;

/**
 * What this node says in the DHT, signed with its key (DESIGN.md §9): for each tessera it owns, the owner's
 * record (every holder it knows, itself first) and its catalogue of them; for each tessera it holds fragments of
 * for someone else, its own holder record. Said at every put and repair and again every announcement interval,
 * so a tessera stays findable while any holder lives, with its owner gone.
 */
final class Announcements {
    private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

    private final Ports ports;

    Announcements(Ports ports) {
        this.ports = ports;
    }

    /**
     * Publishes the owner's record of {@code manifest} on {@code closest}, the nodes a lookup of its key just
     * found (null: look them up); returns a note of how it went.
     */
    String publishOwned(TesseraManifest manifest, List<NodeInfo> closest) {
        List<Holder> holders = new ArrayList<>();
        self(manifest.tesseraHash()).ifPresent(holders::add);
        ports.holders().holders(manifest.tesseraHash()).stream().map(HolderStatus::holder)
                .filter(h -> !h.node().equals(ports.identity().nodeId())).forEach(holders::add);
        return publish(ports.identity().signPointer(manifest, holders, ports.clock().millis()), closest);
    }

    /**
     * Publishes this holder's own record of {@code manifest}: itself with the fragments it keeps, then
     * {@code others} it knows hold fragments too (a custodian names the peers it placed on). Nothing when it keeps
     * no fragment of it.
     */
    String publishHeld(TesseraManifest manifest, List<Holder> others, List<NodeInfo> closest) {
        Optional<Holder> self = self(manifest.tesseraHash());
        if (self.isEmpty()) {
            return "no fragment of it kept here to announce";
        }
        List<Holder> holders = new ArrayList<>();
        holders.add(self.get());
        others.stream().filter(h -> !h.node().equals(ports.identity().nodeId()) && !h.indices().isEmpty())
                .forEach(holders::add);
        return publish(ports.identity().signPointer(manifest, holders, ports.clock().millis()), closest);
    }

    /**
     * Announces everything this node keeps: the owner's record of each tessera it owns, its holder record of each
     * one it holds for others, and its catalogue. Returns how many pointers went out.
     */
    int announceAll() {
        List<ContentHash> owned = new ArrayList<>();
        int pointers = 0;
        int failed = 0;
        for (ContentHash hash : ports.fragments().listTesseras()) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            Optional<TesseraManifest> manifest = ports.fragments().manifest(hash);
            if (manifest.isEmpty()) {
                continue;
            }
            String note;
            if (ports.owns(manifest.get())) {
                owned.add(hash);
                note = publishOwned(manifest.get(), null);
            } else {
                note = publishHeld(manifest.get(), List.of(), null);
            }
            if (note.startsWith("pointer published")) {
                pointers++;
            } else if (note.startsWith("publishing")) {
                failed++;
            }
        }
        String catalogue = publishCatalogue(owned);
        LOG.info("Announced {} pointer(s) ({} of them for tesseras owned here, {} failed); {}", pointers,
                owned.size(), failed, catalogue);
        return pointers;
    }

    /** Publishes the catalogue of every tessera this node owns and has a manifest of; returns a note. */
    String publishCatalogueOfOwned() {
        List<ContentHash> owned = new ArrayList<>();
        for (ContentHash hash : ports.fragments().listTesseras()) {
            if (ports.fragments().manifest(hash).filter(ports::owns).isPresent()) {
                owned.add(hash);
            }
        }
        return publishCatalogue(owned);
    }

    /** Publishes the signed catalogue of {@code owned}, in pages; returns a note of how it went. */
    String publishCatalogue(List<ContentHash> owned) {
        if (owned.isEmpty()) {
            return "no catalogue (this node owns no placed tessera)";
        }
        int pageCount = (owned.size() + CataloguePage.MAX_TESSERAS - 1) / CataloguePage.MAX_TESSERAS;
        long now = ports.clock().millis();
        List<CompletableFuture<Integer>> stores = new ArrayList<>();
        for (int page = 0; page < pageCount; page++) {
            List<ContentHash> slice = owned.subList(page * CataloguePage.MAX_TESSERAS,
                    Math.min(owned.size(), (page + 1) * CataloguePage.MAX_TESSERAS));
            stores.add(ports.dht().publishCatalogue(ports.identity().signCataloguePage(page, pageCount, slice, now)));
        }
        int fewest = Integer.MAX_VALUE;
        try {
            for (CompletableFuture<Integer> store : stores) {
                fewest = Math.min(fewest, store.get(Replicator.DHT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return "catalogue of " + owned.size() + " tessera(s) in " + pageCount + " page(s), each on at least "
                    + fewest + " nodes";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "publishing the catalogue was interrupted";
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Publishing the catalogue failed: {}", Failures.rootMessage(e));
            return "publishing the catalogue failed (" + Failures.rootMessage(e) + ")";
        }
    }

    /** This node as a holder of {@code hash}: its address and the fragments it keeps, if any. */
    private Optional<Holder> self(ContentHash hash) {
        List<Integer> indices = ports.fragments().list(hash).stream().map(f -> f.id().index()).sorted().toList();
        if (indices.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Holder(ports.identity().nodeId(), ports.transport().localNode().address(), indices));
    }

    private String publish(TesseraPointer pointer, List<NodeInfo> closest) {
        try {
            int stored = (closest == null ? ports.dht().publish(pointer) : ports.dht().publish(pointer, closest))
                    .get(Replicator.DHT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return "pointer published on " + stored + " nodes";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "publishing the pointer was interrupted";
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            LOG.warn("Publishing the pointer of {} failed: {}", pointer.tesseraHash(), Failures.rootMessage(e));
            return "publishing the pointer failed (" + Failures.rootMessage(e) + "); it is announced again within"
                    + " the announcement interval";
        }
    }
}
