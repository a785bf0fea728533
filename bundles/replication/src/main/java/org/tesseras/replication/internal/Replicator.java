package org.tesseras.replication.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * Places a tessera, per DESIGN.md §6: kept whole here and hashed on the way in, planned by size, encoded
 * into a full local set of fragments, pushed to the closest diverse peers, recorded and credited, and
 * announced with a pointer in the DHT.
 */
final class Replicator {
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    static final long DHT_TIMEOUT_SECONDS = 60;

    private final Ports ports;
    private final Placement placement;

    Replicator(Ports ports, Placement placement) {
        this.ports = ports;
        this.placement = placement;
    }

    PlacementReport replicate(Path file, ProgressListener progress) throws IOException {
        long size = Files.size(file);
        long max = ports.tiers().maxTesseraSizeBytes();
        if (size > max) {
            throw new IllegalArgumentException(file + " has " + size + " bytes; the largest tessera is " + max
                    + " bytes (org.tesseras.tiers)");
        }
        long start = System.nanoTime();
        ContentHash hash;
        try (InputStream in = new CountingStream(Files.newInputStream(file), "storing", size, progress)) {
            hash = ports.blobs().write(in);
        }
        long stored = System.nanoTime();
        FragmentPlan plan = ports.fragments().plan(hash).orElseGet(() -> ports.tiers().plan(hash, size));
        encodeLocalSet(plan, progress);
        long encoded = System.nanoTime();

        List<NodeInfo> candidates = candidates(plan, List.of());
        if (candidates.isEmpty()) {
            throw new IOException("no peer to place " + hash + " on (the DHT knows no other node); the tessera is kept"
                    + " here and will be placed by the next repair round");
        }
        int slotCount = Math.min(plan.replicationFactor(), candidates.size());
        List<Integer> indices = IntStream.range(0, plan.totalShards()).boxed().toList();
        List<List<Integer>> slots = plan.tier().isErasureCoded() ? Placement.roundRobin(indices, slotCount)
                : Collections.nCopies(slotCount, List.of(0));
        int wanted = slots.stream().mapToInt(List::size).sum();
        long found = System.nanoTime();
        Placement.Outcome outcome = placement.place(plan, slots, candidates.stream().map(Contact::of).toList(),
                progress);
        long pushed = System.nanoTime();
        LOG.info("Put {} ({} bytes): stored and hashed in {} ms, encoded in {} ms, peers found in {} ms, pushed in {} ms",
                hash, size, (stored - start) / 1_000_000, (encoded - stored) / 1_000_000, (found - encoded) / 1_000_000,
                (pushed - found) / 1_000_000);

        List<String> notes = new ArrayList<>();
        if (candidates.size() < plan.replicationFactor()) {
            notes.add("only " + candidates.size() + " suitable peers for a replication factor of "
                    + plan.replicationFactor());
        }
        if (!outcome.unplaced().isEmpty()) {
            notes.add("fragments " + outcome.unplaced() + " found no peer; the repair loop will retry");
        }
        notes.add(publish(plan));
        int survivable = survivablePeerLosses(plan, outcome.placed());
        LOG.info("Placed {}: {} of {} fragments on {} peers, {} refusals, survives {} peer losses", hash,
                outcome.fragmentsPlaced(), wanted, outcome.placed().size(), outcome.refusals().size(), survivable);
        return new PlacementReport(plan, outcome.fragmentsPlaced(), wanted, outcome.placed().size(),
                outcome.refusals(), survivable, notes);
    }

    /** Writes every fragment of the plan not yet held here, encoding the tessera kept in the blob store. */
    void encodeLocalSet(FragmentPlan plan, ProgressListener progress) throws IOException {
        ContentHash hash = plan.tesseraHash();
        FragmentStore store = ports.fragments();
        store.savePlan(plan);
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < plan.totalShards(); index++) {
            if (store.find(hash, index).isEmpty()) {
                missing.add(index);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (SeekableByteChannel source = ports.blobs().read(hash)
                .orElseThrow(() -> new IOException("tessera " + hash + " vanished from the blob store"))) {
            LocalRestorer.encodeInto(ports, plan, missing, source, progress);
        }
    }

    /** The closest live peers to the tessera's key that are not holders yet, diverse by subnet. */
    List<NodeInfo> candidates(FragmentPlan plan, List<HolderStatus> liveHolders) throws IOException {
        List<NodeInfo> closest;
        try {
            closest = ports.dht().findClosest(plan.tesseraHash().dhtKey()).get(DHT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("finding peers for " + plan.tesseraHash() + " was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("finding peers for " + plan.tesseraHash() + " failed: " + Placement.rootMessage(e), e);
        }
        NodeId self = ports.identity().nodeId();
        SubnetDiversity diversity = new SubnetDiversity(ports.settings().maxPeersPerSubnet());
        List<NodeId> holding = new ArrayList<>();
        for (HolderStatus holder : liveHolders) {
            holding.add(holder.holder().node());
            diversity.countExisting(holder.holder().address().getAddress());
        }
        List<NodeInfo> fresh = closest.stream().filter(n -> !n.id().equals(self) && !holding.contains(n.id())).toList();
        return diversity.filter(fresh);
    }

    /** Publishes the pointer with every recorded holder; returns a note of how it went. */
    String publish(FragmentPlan plan) {
        List<Holder> holders = ports.holders().holders(plan.tesseraHash()).stream().map(HolderStatus::holder).toList();
        TesseraPointer pointer = new TesseraPointer(plan, ports.identity().nodeId(), holders, System.currentTimeMillis());
        try {
            int stored = ports.dht().publish(pointer).get(DHT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return "pointer published on " + stored + " nodes";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "publishing the pointer was interrupted";
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Publishing the pointer of {} failed: {}", plan.tesseraHash(), Placement.rootMessage(e));
            return "publishing the pointer failed (" + Placement.rootMessage(e) + "); the DHT republishes it later";
        }
    }

    /**
     * How many peers can vanish, the fullest first, with at least {@code dataShards} distinct fragments
     * still held by the others.
     */
    static int survivablePeerLosses(FragmentPlan plan, Map<NodeId, List<Integer>> placed) {
        List<List<Integer>> peers = new ArrayList<>(placed.values());
        peers.sort((a, b) -> Integer.compare(b.size(), a.size()));
        int lost = 0;
        for (int dropped = 1; dropped <= peers.size(); dropped++) {
            java.util.Set<Integer> remaining = new java.util.HashSet<>();
            for (List<Integer> peer : peers.subList(dropped, peers.size())) {
                remaining.addAll(peer);
            }
            if (remaining.size() < plan.dataShards()) {
                break;
            }
            lost = dropped;
        }
        return lost;
    }

    /** Reports bytes read as progress. */
    private static final class CountingStream extends FilterInputStream {
        private static final long STEP_BYTES = 8L << 20;
        private final String phase;
        private final long total;
        private final ProgressListener progress;
        private long read;
        private long reported;

        CountingStream(InputStream in, String phase, long total, ProgressListener progress) {
            super(in);
            this.phase = phase;
            this.total = total;
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                if (read - reported >= STEP_BYTES || read == total) {
                    reported = read;
                    progress.onProgress(phase, read, total);
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                read++;
            }
            return b;
        }
    }
}
