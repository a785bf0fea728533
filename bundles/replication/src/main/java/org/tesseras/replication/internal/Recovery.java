package org.tesseras.replication.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.RecoveryReport;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.ProgressListener;

/**
 * Owner recovery (DESIGN.md §9): a node running with an owner's restored identity key reads that owner's signed
 * catalogue from the DHT, finds each tessera's owner-signed manifest and holders in its pointers, records them
 * here, and repairs each one as its owner (which rebuilds the full local set of fragments, re-places what no live
 * holder keeps, and publishes the owner's record again). Nothing is deleted on the way; a tessera whose pointers
 * are gone is reported, not dropped.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Ports ports;
    private final Repairer repairer;
    private final TesseraLocks locks;
    private final Announcements announcements;

    Recovery(Ports ports, Repairer repairer, TesseraLocks locks, Announcements announcements) {
        this.ports = ports;
        this.repairer = repairer;
        this.locks = locks;
        this.announcements = announcements;
    }

    RecoveryReport recover(ProgressListener progress) throws IOException {
        NodeId self = ports.identity().nodeId();
        List<String> notes = new ArrayList<>();
        Optional<CataloguePage> first = catalogue(self, 0);
        if (first.isEmpty()) {
            notes.add("no catalogue of " + self + " was found in the DHT: it never placed a tessera, or the nodes"
                    + " closest to its id are not reachable from here yet (join the network and try again)");
            return new RecoveryReport(self, 0, 0, List.of(), notes);
        }
        int pageCount = first.get().pageCount();
        Set<ContentHash> catalogued = new LinkedHashSet<>(first.get().tesseras());
        int pagesFound = 1;
        for (int page = 1; page < pageCount; page++) {
            Optional<CataloguePage> found = catalogue(self, page);
            if (found.isPresent()) {
                pagesFound++;
                catalogued.addAll(found.get().tesseras());
            } else {
                notes.add("catalogue page " + page + " of " + pageCount + " was not found; its tesseras are missing"
                        + " from this report (run tesseras:recover again later)");
            }
        }
        LOG.info("Recovering the {} tessera(s) catalogued by {} ({} of {} catalogue pages found)", catalogued.size(),
                self, pagesFound, pageCount);
        List<RecoveryReport.Entry> entries = new ArrayList<>();
        int done = 0;
        for (ContentHash hash : catalogued) {
            progress.onProgress("recovering", done, catalogued.size());
            entries.add(recoverOne(hash));
            done++;
        }
        progress.onProgress("recovering", done, catalogued.size());
        notes.add(announcements.publishCatalogueOfOwned());
        RecoveryReport report = new RecoveryReport(self, pageCount, pagesFound, entries, notes);
        LOG.info("Recovery of {}: {} of {} catalogued tesseras owned here again, {} healthy", self, report.recovered(),
                catalogued.size(), report.healthy());
        return report;
    }

    private RecoveryReport.Entry recoverOne(ContentHash hash) {
        NodeId self = ports.identity().nodeId();
        Optional<PointerRecords> records = PointerLookup.find(ports, hash);
        Optional<PointerRecords.Variant> ours = records.flatMap(r -> r.variants().stream()
                .filter(v -> ports.owns(v.manifest()) && ports.verifier().manifestFault(v.manifest()).isEmpty()
                        && v.manifest().tesseraHash().equals(hash))
                .findFirst());
        if (ours.isEmpty()) {
            String why = records.isEmpty() ? "no pointer of it was found (every holder gone for more than the pointer"
                    + " lifetime, or the DHT unreachable)" : "its pointers carry no manifest signed by this owner";
            LOG.error("Recovery: tessera {} cannot be recovered now: {}", hash, why);
            return new RecoveryReport.Entry(hash, Optional.empty(), 0, Optional.empty(), why);
        }
        TesseraManifest manifest = ours.get().manifest();
        try {
            Optional<TesseraManifest> recorded = ports.fragments().manifest(hash);
            if (recorded.isPresent() && !recorded.get().sameFragmentsAs(manifest)) {
                ports.fragments().replaceManifest(manifest, "the owner's manifest was recovered for this tessera");
            } else {
                ports.fragments().saveManifest(manifest);
            }
            int holders = 0;
            for (Holder holder : ours.get().holders()) {
                if (!holder.node().equals(self) && !holder.indices().isEmpty()) {
                    ports.holders().recordFragments(hash, holder.contact(), holder.indices());
                    holders++;
                }
            }
            RepairReport repaired = locks.exclusively(hash, () -> repairer.repair(hash, ProgressListener.NONE));
            // the owner is heard again at once: custodians step back as soon as they look
            String published = announcements.publishOwned(manifest, null);
            LOG.info("Recovery: {} ({} bytes) owned here again, {} holder(s) found, {}; owner's record {}", hash,
                    manifest.plan().tesseraSize(), holders, repaired.after(), published);
            List<String> notes = new ArrayList<>(repaired.notes());
            notes.add("owner's record " + published);
            return new RecoveryReport.Entry(hash, Optional.of(manifest.plan()), holders,
                    Optional.of(repaired.after()), String.join("; ", notes));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Recovery: {} was found but not repaired: {}", hash, Failures.rootMessage(e));
            return new RecoveryReport.Entry(hash, Optional.of(manifest.plan()), ours.get().holders().size(),
                    Optional.empty(), "found, but the repair failed: " + Failures.rootMessage(e)
                            + "; the repair round tries again");
        }
    }

    private Optional<CataloguePage> catalogue(NodeId owner, int page) throws IOException {
        try {
            return ports.dht().findCatalogue(owner, page).get(Retriever.LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("looking up the catalogue was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("looking up catalogue page " + page + " of " + owner + " failed: "
                    + Failures.rootMessage(e), e);
        }
    }

}
