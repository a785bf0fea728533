package org.tesseras.replication.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;

/**
 * Who looks after a tessera (DESIGN.md §9). Its owner, while the owner's record in the DHT is younger than
 * {@code ownerSilenceBeforeCustody}; after that its live holders: each holder republishes its own record every
 * announcement interval, the holders whose records are fresh (at most two intervals old) are alive, and the one
 * of them XOR-closest to the tessera's key leads its health checks and repairs. A leader that goes silent ages out
 * and the next one leads; an owner that publishes again takes over at once. Every holder reaches the same verdict
 * from the same records, so one leads at a time without talking to the others.
 */
final class Custody {
    private static final Logger LOG = LoggerFactory.getLogger(Custody.class);

    private final Ports ports;
    private final Map<ContentHash, CustodyStatus> last = new ConcurrentHashMap<>();
    private final Map<ContentHash, Integer> roundsLed = new ConcurrentHashMap<>();

    Custody(Ports ports) {
        this.ports = ports;
    }

    /**
     * Looks up the records of {@code manifest}'s tessera and decides who looks after it; the holders the records
     * name are taken into this node's holder records when it is the one responsible (owner or leading custodian),
     * so the health check challenges them. Empty when the DHT could not be asked.
     */
    Optional<CustodyStatus> refresh(TesseraManifest manifest) {
        Optional<PointerRecords> records = PointerLookup.find(ports, manifest.tesseraHash());
        if (records.isEmpty()) {
            return Optional.ofNullable(last.get(manifest.tesseraHash()));
        }
        CustodyStatus status = decide(manifest, records.get());
        CustodyStatus before = last.put(manifest.tesseraHash(), status);
        logChange(before, status);
        if (ports.owns(manifest) || status.leadHere()) {
            adoptHolders(manifest, records.get());
        } else {
            dropBorrowedHolders(manifest.tesseraHash());
        }
        return Optional.of(status);
    }

    /** Whether this node leads custody of {@code hash} as last decided. */
    boolean leads(ContentHash hash) {
        CustodyStatus status = last.get(hash);
        return status != null && status.leadHere();
    }

    /** Counts a repair this node ran as custodian of {@code hash}. */
    void led(ContentHash hash) {
        roundsLed.merge(hash, 1, Integer::sum);
    }

    /** What this node last decided about {@code hash}, with the repairs it led; empty when never asked. */
    Optional<CustodyStatus> status(ContentHash hash) {
        CustodyStatus status = last.get(hash);
        if (status == null) {
            return Optional.empty();
        }
        return Optional.of(status.withRepairsLedHere(roundsLed.getOrDefault(hash, 0)));
    }

    /** Decides who looks after the tessera of {@code manifest} from its records, as of now. */
    CustodyStatus decide(TesseraManifest manifest, PointerRecords records) {
        ContentHash hash = manifest.tesseraHash();
        Instant now = ports.clock().instant();
        NodeId self = ports.identity().nodeId();
        Optional<PointerRecords.Variant> variant = records.variantOf(manifest);
        Optional<Instant> ownerHeard = variant.flatMap(PointerRecords.Variant::lastHeardFromOwner);
        if (ports.owns(manifest)) {
            ownerHeard = Optional.of(now);
        }
        Duration silence = ports.settings().ownerSilenceBeforeCustody();
        boolean ownerSilent = ownerHeard.isEmpty() || ownerHeard.get().isBefore(now.minus(silence));
        if (!ownerSilent) {
            return new CustodyStatus(hash, manifest.owner(), ownerHeard, false, Optional.empty(), false, 0);
        }
        Instant freshSince = now.minus(ports.settings().announceInterval().multipliedBy(2));
        Set<NodeId> alive = new HashSet<>();
        for (TesseraPointer record : variant.map(PointerRecords.Variant::records).orElse(List.of())) {
            if (!record.byOwner() && record.publisherAsHolder().isPresent()
                    && !Instant.ofEpochMilli(record.publishedAtMillis()).isBefore(freshSince)) {
                alive.add(record.publisher());
            }
        }
        if (!ports.fragments().list(hash).isEmpty()) {
            alive.add(self);
        }
        NodeId key = hash.dhtKey();
        Optional<NodeId> leader = alive.stream().min(Comparator.comparing((NodeId id) -> id.xor(key)));
        return new CustodyStatus(hash, manifest.owner(), ownerHeard, true, leader,
                leader.isPresent() && leader.get().equals(self), 0);
    }

    /** Records the holders {@code records} name for this manifest that this node does not know yet. */
    private void adoptHolders(TesseraManifest manifest, PointerRecords records) {
        ContentHash hash = manifest.tesseraHash();
        Optional<PointerRecords.Variant> variant = records.variantOf(manifest);
        if (variant.isEmpty()) {
            return;
        }
        NodeId self = ports.identity().nodeId();
        Set<NodeId> known = new HashSet<>();
        for (HolderStatus status : ports.holders().holders(hash)) {
            known.add(status.holder().node());
        }
        List<NodeId> adopted = new ArrayList<>();
        for (Holder holder : variant.get().holders()) {
            if (!holder.node().equals(self) && !holder.indices().isEmpty() && known.add(holder.node())) {
                ports.holders().recordFragments(hash, holder.contact(), holder.indices());
                adopted.add(holder.node());
            }
        }
        if (!adopted.isEmpty()) {
            LOG.info("{} holder(s) of {} named in its pointers were added to the holder records; the health check"
                    + " verifies them: {}", adopted.size(), hash, adopted.stream().map(NodeId::shortHex).toList());
        }
    }

    /**
     * A holder that no longer leads custody stops challenging the holders it borrowed from the pointers (they are
     * the owner's or the new custodian's to check); only those records go, never a fragment.
     */
    private void dropBorrowedHolders(ContentHash hash) {
        List<HolderStatus> borrowed = ports.holders().holders(hash);
        for (HolderStatus holder : borrowed) {
            ports.holders().forgetFragments(hash, holder.holder().node(), holder.indices());
        }
        if (!borrowed.isEmpty()) {
            LOG.info("Custody of {} is not led here: the {} holder record(s) it kept for it are dropped", hash,
                    borrowed.size());
        }
    }


    private static void logChange(CustodyStatus before, CustodyStatus now) {
        boolean wasLeading = before != null && before.leadHere();
        if (now.leadHere() && !wasLeading) {
            LOG.warn("Custody of {}: its owner {} has been silent since {}; this node leads its health checks and"
                    + " repairs until the owner returns", now.tessera(), now.owner().shortHex(),
                    now.ownerLastHeard().map(Instant::toString).orElse("before anything the DHT remembers"));
        } else if (!now.leadHere() && wasLeading) {
            LOG.info("Custody of {}: no longer led here ({})", now.tessera(), now.ownerSilent()
                    ? "custodian now " + now.custodian().map(NodeId::shortHex).orElse("nobody")
                    : "its owner is back");
        }
    }
}
