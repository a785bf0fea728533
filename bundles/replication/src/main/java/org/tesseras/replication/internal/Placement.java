package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PlacementReport.Refusal;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * Pushes fragments held here to peers: each group of indices (a slot) goes to one peer, at most
 * {@code maxConcurrentTransfers} fragments in flight; a peer that refuses or fails is replaced by the next
 * spare candidate for the rest of its slot. Every accepted fragment is recorded as held and credited.
 */
final class Placement {
    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    private final Ports ports;

    Placement(Ports ports) {
        this.ports = ports;
    }

    /** What a placement achieved. */
    record Outcome(Map<NodeId, List<Integer>> placed, List<Integer> unplaced, List<Refusal> refusals,
            boolean cutAtDeadline) {
        int fragmentsPlaced() {
            return placed.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Indices spread round-robin over {@code slotCount} slots: slot j gets j, j + slotCount, ... */
    static List<List<Integer>> roundRobin(Collection<Integer> indices, int slotCount) {
        List<List<Integer>> slots = new ArrayList<>();
        for (int j = 0; j < slotCount; j++) {
            slots.add(new ArrayList<>());
        }
        int j = 0;
        for (int index : indices) {
            slots.get(j++ % slotCount).add(index);
        }
        return slots;
    }

    /**
     * Places each slot on its own peer taken in order from {@code candidates}; the remaining candidates are
     * the spares. Blocks until every fragment is placed, has run out of peers, or {@code deadline} has passed: no
     * push starts after it (those in flight end by the transport's own limits) and the rest stay unplaced.
     */
    Outcome place(TesseraManifest manifest, List<List<Integer>> slots, List<Contact> candidates,
            ProgressListener progress, Instant deadline) throws IOException {
        FragmentPlan plan = manifest.plan();
        ContentHash hash = plan.tesseraHash();
        Deque<Contact> spares = new ArrayDeque<>(candidates);
        List<Slot> assigned = new ArrayList<>();
        for (List<Integer> indices : slots) {
            assigned.add(new Slot(spares.poll()));
        }
        Map<Integer, FragmentEnvelope> envelopes = new LinkedHashMap<>();
        BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
        // round the slots, one fragment each per round: the transfers in flight go to different peers
        // (spreading the receiving work), and a peer that refuses is replaced before its next fragment
        int rounds = slots.stream().mapToInt(List::size).max().orElse(0);
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < slots.size(); j++) {
                if (round < slots.get(j).size()) {
                    int index = slots.get(j).get(round);
                    envelopes.computeIfAbsent(index, i -> envelopeOf(manifest, i));
                    queue.add(new Task(assigned.get(j), index));
                }
            }
        }
        int total = queue.size();
        AtomicInteger pending = new AtomicInteger(total);
        AtomicInteger done = new AtomicInteger();
        Semaphore permits = new Semaphore(ports.settings().maxConcurrentTransfers());
        Map<NodeId, List<Integer>> placed = new LinkedHashMap<>();
        List<Integer> unplaced = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        Map<NodeId, Set<Integer>> alreadyHeld = heldByPeer(hash);
        AtomicBoolean cut = new AtomicBoolean();
        progress.onProgress("pushing fragments", 0, total);
        try {
            while (pending.get() > 0) {
                Task task = queue.poll(100, TimeUnit.MILLISECONDS);
                if (task == null) {
                    continue;
                }
                boolean late = !ports.clock().instant().isBefore(deadline);
                if (late && !cut.getAndSet(true)) {
                    LOG.warn("Placement of {} reached its deadline {}: no further push starts, the repair loop"
                            + " places the rest", hash, deadline);
                }
                Contact peer = late ? null : task.slot.peer();
                if (peer == null) {
                    synchronized (unplaced) {
                        unplaced.add(task.index);
                    }
                    pending.decrementAndGet();
                    continue;
                }
                permits.acquire();
                Contact contact = peer;
                NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.FRAGMENT_PUSH);
                ports.transport().sendFragment(contact, envelopes.get(task.index)).whenComplete((ack, failure) -> {
                    permits.release();
                    timing.end(failure == null && ack.accepted() ? NodeMetrics.Outcome.SUCCESS
                            : NodeMetrics.Outcome.FAILURE);
                    if (failure == null && ack.accepted()) {
                        synchronized (placed) {
                            placed.computeIfAbsent(peer.id(), p -> new ArrayList<>()).add(task.index);
                        }
                        ports.holders().recordFragments(hash, contact, List.of(task.index));
                        if (!alreadyHeld.getOrDefault(peer.id(), Set.of()).contains(task.index)) {
                            ports.ledger().recordPeerStoresForUs(peer.id(), plan.shardSize());
                        }
                        progress.onProgress("pushing fragments", done.incrementAndGet(), total);
                        pending.decrementAndGet();
                        return;
                    }
                    Refusal refusal = failure == null
                            ? new Refusal(peer.id(), Optional.of(ack.reason()), ack.detail())
                            : new Refusal(peer.id(), Optional.empty(), Failures.rootMessage(failure));
                    LOG.info("Peer {} did not take fragment {} of {}: {}", peer, task.index, hash,
                            refusal.reason().map(Enum::name).orElse("failed") + " " + refusal.detail());
                    synchronized (refusals) {
                        if (refusals.stream().noneMatch(r -> r.peer().equals(peer.id()))) {
                            refusals.add(refusal);
                        }
                    }
                    task.slot.replace(peer, spares);
                    queue.add(task);
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("placement of " + hash + " was interrupted", e);
        }
        permits.acquireUninterruptibly(ports.settings().maxConcurrentTransfers());
        return new Outcome(placed, unplaced, refusals, cut.get());
    }

    /** What each recorded holder already holds: those fragments were credited when first placed. */
    private Map<NodeId, Set<Integer>> heldByPeer(ContentHash hash) {
        Map<NodeId, Set<Integer>> held = new HashMap<>();
        for (HolderStatus holder : ports.holders().holders(hash)) {
            held.put(holder.holder().node(), new HashSet<>(holder.indices()));
        }
        return held;
    }

    private FragmentEnvelope envelopeOf(TesseraManifest manifest, int index) {
        FragmentStore store = ports.fragments();
        ContentHash hash = manifest.tesseraHash();
        if (store.find(hash, index).isEmpty()) {
            throw new IllegalStateException("fragment " + hash + "/" + index + " is not held here");
        }
        return FragmentEnvelope.of(manifest, index, () -> Channels.newInputStream(store.open(hash, index)
                .orElseThrow(() -> new IOException("fragment " + hash + "/" + index + " vanished while sending"))));
    }


    /** The indices one peer should take; its peer changes when the current one fails. */
    private static final class Slot {
        private Contact peer;

        Slot(Contact peer) {
            this.peer = peer;
        }

        synchronized Contact peer() {
            return peer;
        }

        /** Swaps a failed peer for the next spare, once, however many of its transfers fail. */
        void replace(Contact failed, Deque<Contact> spares) {
            synchronized (spares) {
                synchronized (this) {
                    if (peer == failed) {
                        peer = spares.poll();
                    }
                }
            }
        }
    }

    private record Task(Slot slot, int index) {
    }
}
