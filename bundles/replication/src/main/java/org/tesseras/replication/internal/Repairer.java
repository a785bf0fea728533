package org.tesseras.replication.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.HealthReport.HolderCheck;
import org.tesseras.api.model.HealthReport.HolderState;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * Repairs one tessera after a health check: corrupt local fragments are dropped and fetched or rebuilt;
 * fragments no live holder has are re-created here if needed and pushed to new peers under the same
 * diversity rules; a lost tessera is logged loudly and reported.
 */
final class Repairer {
    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final Ports ports;
    private final HealthChecker checker;
    private final LocalRestorer restorer;
    private final Replicator replicator;
    private final Placement placement;
    private final Custody custody;
    private final Announcements announcements;

    Repairer(Ports ports, HealthChecker checker, LocalRestorer restorer, Replicator replicator, Placement placement,
            Custody custody, Announcements announcements) {
        this.custody = custody;
        this.announcements = announcements;
        this.ports = ports;
        this.checker = checker;
        this.restorer = restorer;
        this.replicator = replicator;
        this.placement = placement;
    }

    /** Repairs {@code hash} on its own: no push starts later than a repair round's deadline from now. */
    RepairReport repair(ContentHash hash, ProgressListener progress) throws IOException {
        return repair(hash, progress, ports.clock().instant().plus(ports.settings().repairRoundDeadline()));
    }

    /** Repairs {@code hash}, no push starting after {@code deadline} (that of the round it is part of). */
    RepairReport repair(ContentHash hash, ProgressListener progress, Instant deadline) throws IOException {
        NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.REPAIR);
        try {
            RepairReport report = repairNow(hash, progress, deadline);
            timing.succeeded();
            return report;
        } finally {
            timing.failed();
        }
    }

    private RepairReport repairNow(ContentHash hash, ProgressListener progress, Instant deadline)
            throws IOException {
        FragmentStore store = ports.fragments();
        TesseraManifest manifest = store.manifest(hash)
                .orElseThrow(() -> new IllegalArgumentException("tessera " + hash + " is not known to this node"));
        Optional<CustodyStatus> custodyStatus = custody.refresh(manifest);
        boolean owned = ports.owns(manifest);
        boolean custodian = !owned && custody.leads(hash);
        HealthReport before = checker.check(hash);
        FragmentPlan plan = manifest.plan();
        List<String> notes = new ArrayList<>();
        if (custodian) {
            custody.led(hash);
            notes.add("repaired here as custodian: its owner " + manifest.owner().shortHex() + " was last heard "
                    + custodyStatus.flatMap(CustodyStatus::ownerLastHeard).map(Object::toString)
                            .orElse("before anything the DHT remembers"));
        }
        int fetched = 0;
        int rebuilt = 0;
        int pushed = 0;

        List<HolderStatus> recorded = ports.holders().holders(hash);
        List<Holder> sources = sources(manifest, recorded, before, owned);

        List<Integer> corrupt = stillCorrupt(store, hash, before.corruptLocal(), notes);
        if (!corrupt.isEmpty()) {
            Map<Integer, NodeId> origins = new HashMap<>();
            for (int index : corrupt) {
                store.find(hash, index).flatMap(StoredFragment::originPeer).ifPresent(p -> origins.put(index, p));
                LocalDamage.quarantine(ports, hash, index, "it failed its checksum in a health check");
            }
            LocalRestorer.Restored restored = restorer.restore(manifest, corrupt, sources, origins);
            fetched += restored.fetched();
            rebuilt += restored.rebuilt();
            for (Map.Entry<Integer, NodeId> origin : origins.entrySet()) {
                if (store.find(hash, origin.getKey()).isPresent()) {
                    ports.ledger().recordStoredForPeer(origin.getValue(), plan.shardSize());
                }
            }
            notes.add("corrupt local fragments " + corrupt + " quarantined and restored ("
                    + restored.fetched() + " fetched, " + restored.rebuilt() + " rebuilt)");
        }

        if (!owned && !custodian) {
            RepairAction after = new RepairAction.Healthy();
            ports.holders().recordHealth(new HealthRecord(hash, after, ports.clock().instant(), String.join("; ", notes)));
            return new RepairReport(hash, before.action(), after, rebuilt, fetched, 0, notes);
        }

        if (owned && ports.blobs().exists(hash) && restorer.restoreBlob(manifest, sources)) {
            notes.add("the copy kept here had rotted: quarantined and rebuilt from the fragments");
        }
        // the owner keeps a full local set; a custodian keeps what it held and what it rebuilds to place
        List<Integer> missingHere = new ArrayList<>();
        for (int index = 0; owned && index < plan.totalShards(); index++) {
            if (store.find(hash, index).isEmpty()) {
                missingHere.add(index);
            }
        }
        if (!missingHere.isEmpty()) {
            LocalRestorer.Restored restored = restorer.restore(manifest, missingHere, sources, Map.of());
            fetched += restored.fetched();
            rebuilt += restored.rebuilt();
            notes.add("local fragments " + missingHere + " restored (" + restored.fetched() + " fetched, "
                    + restored.rebuilt() + " rebuilt)");
        }

        Set<Integer> remote = new HashSet<>();
        List<HolderStatus> live = new ArrayList<>();
        Set<NodeId> lostHere = new HashSet<>();
        for (HolderCheck check : before.holders()) {
            Optional<HolderStatus> status = recorded.stream().filter(h -> h.holder().node().equals(check.node()))
                    .findFirst();
            if (check.state() == HolderState.LOST) {
                lostHere.add(check.node());
                status.ifPresent(s -> LedgerCorrections.holderLost(ports, plan, check.node(), s.indices(),
                        "counted lost", owned));
                notes.add("holder " + check.node().shortHex() + " counted lost: " + check.detail());
            } else {
                remote.addAll(check.indices());
                status.ifPresent(live::add);
            }
        }
        List<HolderCheck> counted = new ArrayList<>(before.holders());
        if (custodian) {
            // a custodian is one of the holders: what it keeps counts as held
            List<Integer> keptHere = localIndices(hash).stream().sorted().toList();
            counted.add(new HolderCheck(ports.identity().nodeId(), HolderState.VERIFIED, keptHere, "the custodian"));
            remote.addAll(keptHere);
        }
        RepairAction needed = HealthChecker.verdict(plan, localIndices(hash), List.of(), counted, true);
        if (needed instanceof RepairAction.Lost lost) {
            String note = "LOST: only " + lost.available() + " of " + lost.needed() + " fragments survive";
            LOG.error("Tessera {} cannot be repaired: {}", hash, note);
            notes.add(note);
            ports.holders().recordHealth(new HealthRecord(hash, needed, ports.clock().instant(),
                    String.join("; ", notes)));
            return new RepairReport(hash, before.action(), needed, rebuilt, fetched, 0, notes);
        }
        if (needed instanceof RepairAction.NeedsReplication replication) {
            List<Integer> missing = replication.missingIndices();
            LocalRestorer.Restored restored = restorer.restore(manifest, missing, sources, Map.of());
            fetched += restored.fetched();
            rebuilt += restored.rebuilt();
            // a peer just counted lost for this tessera (it failed its proofs) is not given it again
            List<NodeInfo> closest = replicator.closest(plan);
            List<Contact> newPeers = replicator.candidates(plan, live, closest).stream()
                    .filter(n -> !lostHere.contains(n.id())).map(Contact::of).toList();
            List<Contact> targets = new ArrayList<>();
            List<List<Integer>> slots = new ArrayList<>();
            if (plan.tier().isErasureCoded()) {
                spread(plan, missing, newPeers, live, targets, slots, notes);
            } else {
                int copies = Math.min(replication.deficit(), newPeers.size());
                targets.addAll(newPeers.subList(0, copies));
                slots.addAll(Collections.nCopies(copies, List.of(0)));
            }
            if (slots.isEmpty()) {
                notes.add("no peer for fragments " + missing + "; will retry next round");
            } else {
                List<Contact> candidates = new ArrayList<>(targets);
                newPeers.stream().filter(p -> !targets.contains(p)).forEach(candidates::add);
                Placement.Outcome outcome = placement.place(manifest, slots, candidates, progress, deadline);
                pushed = outcome.fragmentsPlaced();
                for (List<Integer> indices : outcome.placed().values()) {
                    remote.addAll(indices);
                }
                notes.add("pushed " + pushed + " fragments to " + outcome.placed().size() + " peers"
                        + (outcome.unplaced().isEmpty() ? "" : "; still unplaced " + outcome.unplaced()
                                + (outcome.cutAtDeadline() ? " (the repair reached its deadline)" : "")
                                + refusalSummary(outcome.refusals())));
            }
            notes.add(owned ? announcements.publishOwned(manifest, closest)
                    : announcements.publishHeld(manifest, ports.holders().holders(hash).stream()
                            .map(HolderStatus::holder).toList(), closest));
        }
        RepairAction after = verdictAfter(plan, remote, live.size() + (custodian ? 1 : 0), pushed);
        ports.holders().recordHealth(new HealthRecord(hash, after, ports.clock().instant(), String.join("; ", notes)));
        HealthChecker.logChange(hash, Optional.of(before.action()), after, String.join("; ", notes));
        LOG.info("Repaired {}: {} -> {} ({})", hash, before.action(), after, String.join("; ", notes));
        return new RepairReport(hash, before.action(), after, rebuilt, fetched, pushed, notes);
    }

    /** Why peers refused, e.g. " (refused by 3 peers: 2 DEFICIT, 1 failed)". */
    static String refusalSummary(List<PlacementReport.Refusal> refusals) {
        if (refusals.isEmpty()) {
            return "";
        }
        Map<String, Long> byReason = refusals.stream().collect(Collectors.groupingBy(
                r -> r.reason().map(Enum::name).orElse("failed"), TreeMap::new, Collectors.counting()));
        return " (refused by " + refusals.size() + (refusals.size() == 1 ? " peer: " : " peers: ")
                + byReason.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * Assigns missing fragments so that no peer holds more than its share, {@code ceil(total / r)}: new
     * peers first, then live holders with room; what is left then goes round-robin over those targets
     * anyway, since a fragment above the share is better than a fragment missing.
     */
    static void spread(FragmentPlan plan, List<Integer> missing, List<Contact> newPeers, List<HolderStatus> live,
            List<Contact> targets, List<List<Integer>> slots, List<String> notes) {
        int share = (plan.totalShards() + plan.replicationFactor() - 1) / plan.replicationFactor();
        ArrayDeque<Integer> todo = new ArrayDeque<>(missing);
        for (Contact peer : newPeers) {
            if (todo.isEmpty() || targets.size() >= plan.replicationFactor()) {
                break;
            }
            List<Integer> slot = new ArrayList<>();
            while (slot.size() < share && !todo.isEmpty()) {
                slot.add(todo.poll());
            }
            targets.add(peer);
            slots.add(slot);
        }
        List<HolderStatus> roomy = live.stream().filter(h -> h.indices().size() < share)
                .sorted(Comparator.comparingInt(h -> h.indices().size())).toList();
        for (HolderStatus holder : roomy) {
            if (todo.isEmpty()) {
                break;
            }
            List<Integer> slot = new ArrayList<>();
            while (holder.indices().size() + slot.size() < share && !todo.isEmpty()) {
                slot.add(todo.poll());
            }
            targets.add(holder.holder().contact());
            slots.add(slot);
            notes.add("too few new peers: holder " + holder.holder().node().shortHex() + " takes " + slot);
        }
        if (!todo.isEmpty() && slots.isEmpty()) {
            for (HolderStatus holder : live) {
                targets.add(holder.holder().contact());
                slots.add(new ArrayList<>());
            }
        }
        if (!todo.isEmpty() && !slots.isEmpty()) {
            notes.add("fragments " + todo + " go above the per-peer share of " + share + " for lack of peers");
            for (int i = 0; !todo.isEmpty(); i++) {
                slots.get(i % slots.size()).add(todo.poll());
            }
        }
    }

    /** The verdict once this repair's placements are counted, without asking the holders again. */
    private static RepairAction verdictAfter(FragmentPlan plan, Set<Integer> remote, int liveHolders, int pushed) {
        if (!plan.tier().isErasureCoded()) {
            int deficit = plan.replicationFactor() - (liveHolders + pushed);
            return deficit > 0 ? new RepairAction.NeedsReplication(deficit, List.of(0)) : new RepairAction.Healthy();
        }
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < plan.totalShards(); index++) {
            if (!remote.contains(index)) {
                missing.add(index);
            }
        }
        return missing.isEmpty() ? new RepairAction.Healthy() : new RepairAction.NeedsReplication(missing.size(), missing);
    }

    private Set<Integer> localIndices(ContentHash hash) {
        Set<Integer> local = new HashSet<>();
        for (StoredFragment fragment : ports.fragments().list(hash)) {
            local.add(fragment.id().index());
        }
        return local;
    }

    /** Where fragments can be fetched from: our live holders, or, for fragments we hold for others, the DHT pointer. */
    private List<Holder> sources(TesseraManifest manifest, List<HolderStatus> recorded, HealthReport health,
            boolean owned) {
        ContentHash hash = manifest.tesseraHash();
        List<Holder> sources = new ArrayList<>();
        Set<NodeId> lost = new HashSet<>();
        for (HolderCheck check : health.holders()) {
            if (check.state() == HolderState.LOST) {
                lost.add(check.node());
            }
        }
        for (HolderStatus status : recorded) {
            if (!lost.contains(status.holder().node())) {
                sources.add(status.holder());
            }
        }
        if (!owned || sources.isEmpty()) {
            PointerLookup.find(ports, hash).flatMap(r -> r.variantOf(manifest)).ifPresent(v -> v.holders().stream()
                    .filter(h -> !lost.contains(h.node()) && !h.node().equals(ports.identity().nodeId()))
                    .forEach(sources::add));
        }
        return sources;
    }

    /**
     * Of the local fragments the health check found corrupt, those that still are. The check waits on every
     * holder's attestation after hashing the fragments here, and in that time a fragment can be replaced by a
     * good copy (a peer's re-push after this node's attestation set the bad one aside, or a get that rebuilt it);
     * such a copy is checked again here rather than quarantined on the old verdict. {@code notes} says which.
     */
    private static List<Integer> stillCorrupt(FragmentStore store, ContentHash hash, List<Integer> found,
            List<String> notes) throws IOException {
        List<Integer> corrupt = new ArrayList<>();
        List<Integer> goodAgain = new ArrayList<>();
        for (int index : found) {
            if (store.verify(hash, index) == FragmentCheck.GOOD) {
                goodAgain.add(index);
            } else {
                corrupt.add(index);
            }
        }
        if (!goodAgain.isEmpty()) {
            LOG.info("Local fragments {} of {} failed the health check but are good now (replaced since): kept",
                    goodAgain, hash);
            notes.add("local fragments " + goodAgain + " failed the health check but were good again when checked"
                    + " before repairing (replaced since): kept");
        }
        return corrupt;
    }
}
