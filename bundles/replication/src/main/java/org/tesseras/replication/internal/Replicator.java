package org.tesseras.replication.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.tesseras.api.metrics.NodeMetrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationJournal;

/**
 * Places a tessera, per DESIGN.md §6 and §9: kept whole here and hashed on the way in, planned by size,
 * encoded into a full local set under a manifest this node signs, pushed to the closest diverse peers with
 * that manifest, recorded and credited, and announced with a pointer in the DHT. Every put is in the journal
 * from its start, so one the node died in is finished or reported after a restart.
 */
final class Replicator {
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    static final long DHT_TIMEOUT_SECONDS = 60;

    private final Ports ports;
    private final Placement placement;
    private final OwnerEncoding encoding;

    private final TesseraLocks locks;
    private final Announcements announcements;

    Replicator(Ports ports, Placement placement, OwnerEncoding encoding, TesseraLocks locks,
            Announcements announcements) {
        this.locks = locks;
        this.announcements = announcements;
        this.ports = ports;
        this.placement = placement;
        this.encoding = encoding;
    }

    PlacementReport replicate(Path file, ProgressListener progress) throws IOException {
        long size = Files.size(file);
        long max = ports.tiers().maxTesseraSizeBytes();
        if (size > max) {
            throw new IllegalArgumentException(file + " has " + size + " bytes; the largest tessera is " + max
                    + " bytes (org.tesseras.tiers)");
        }
        ReplicationJournal journal = ports.journal();
        long put = journal.putStarted(file.toAbsolutePath().toString(), size);
        NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.PUT);
        Instant deadline = ports.clock().instant().plus(ports.settings().putDeadline());
        try {
            long start = System.nanoTime();
            ContentHash hash;
            try (InputStream in = new CountingStream(Files.newInputStream(file), "storing", size, progress)) {
                hash = ports.blobs().write(in);
            }
            journal.putStored(put, hash);
            LOG.info("Put {}: {} bytes stored and hashed in {} ms", hash, size, (System.nanoTime() - start) / 1_000_000);
            PlacementReport report = locks.exclusively(hash, () -> place(hash, true, progress, deadline));
            journal.putEnded(put, outcome(report));
            if (report.fragmentsPlaced() > 0) {
                // a put that found no peer for any fragment is timed as failed, as it was when it threw
                timing.succeeded();
            }
            return report;
        } catch (IOException | RuntimeException e) {
            journal.putEnded(put, "failed: " + Failures.rootMessage(e));
            throw e;
        } finally {
            timing.failed();
        }
    }

    /**
     * Encodes a tessera kept in the blob store under this node's manifest (if not done yet) and places its
     * fragments, no push starting after {@code deadline}; also how a put the node died in is finished after a
     * restart.
     */
    PlacementReport place(ContentHash hash, boolean blobJustHashed, ProgressListener progress, Instant deadline)
            throws IOException {
        long start = System.nanoTime();
        TesseraManifest manifest = encoding.ensureLocalSet(hash, blobJustHashed, progress);
        FragmentPlan plan = manifest.plan();
        long encoded = System.nanoTime();

        List<NodeInfo> closest = closest(plan);
        List<NodeInfo> candidates = candidates(plan, List.of(), closest);
        if (candidates.isEmpty()) {
            LOG.warn("No peer to place {} on (the DHT knows no other node); it is kept here and the repair loop"
                    + " places it once there are peers", hash);
            return new PlacementReport(plan, 0, plan.totalShards(), 0, List.of(), 0, List.of(
                    "no peer to place it on (the DHT knows no other node): join a network with tesseras:bootstrap"
                            + " host:port"));
        }
        int slotCount = Math.min(plan.replicationFactor(), candidates.size());
        List<Integer> indices = IntStream.range(0, plan.totalShards()).boxed().toList();
        List<List<Integer>> slots = plan.tier().isErasureCoded() ? Placement.roundRobin(indices, slotCount)
                : Collections.nCopies(slotCount, List.of(0));
        int wanted = slots.stream().mapToInt(List::size).sum();
        long found = System.nanoTime();
        Placement.Outcome outcome = placement.place(manifest, slots, candidates.stream().map(Contact::of).toList(),
                progress, deadline);
        long pushed = System.nanoTime();
        LOG.info("Placing {} ({} bytes): encoded in {} ms, peers found in {} ms, pushed in {} ms", hash,
                plan.tesseraSize(), (encoded - start) / 1_000_000, (found - encoded) / 1_000_000,
                (pushed - found) / 1_000_000);

        List<String> notes = new ArrayList<>();
        if (candidates.size() < plan.replicationFactor()) {
            notes.add("only " + candidates.size() + " suitable peers for a replication factor of "
                    + plan.replicationFactor());
        }
        if (outcome.cutAtDeadline()) {
            notes.add("the put reached its deadline (putDeadlineSeconds = " + ports.settings().putDeadline()
                    .toSeconds() + "): fragments " + outcome.unplaced() + " were not pushed; the repair loop places"
                    + " them");
        } else if (!outcome.unplaced().isEmpty()) {
            notes.add("fragments " + outcome.unplaced() + " found no peer; the repair loop will retry");
        }
        notes.add(announcements.publishOwned(manifest, closest));
        notes.add(announcements.publishCatalogueOfOwned());
        int survivable = survivablePeerLosses(plan, outcome.placed());
        LOG.info("Placed {}: {} of {} fragments on {} peers, {} refusals, survives {} peer losses", hash,
                outcome.fragmentsPlaced(), wanted, outcome.placed().size(), outcome.refusals().size(), survivable);
        return new PlacementReport(plan, outcome.fragmentsPlaced(), wanted, outcome.placed().size(),
                outcome.refusals(), survivable, notes);
    }

    /** The live nodes closest to the tessera's key, looked up once per put or repair and used to publish too. */
    List<NodeInfo> closest(FragmentPlan plan) throws IOException {
        try {
            return ports.dht().findClosest(plan.tesseraHash().dhtKey()).get(DHT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("finding peers for " + plan.tesseraHash() + " was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("finding peers for " + plan.tesseraHash() + " failed: " + Failures.rootMessage(e), e);
        }
    }

    /** Of {@code closest}, the peers that are not holders yet, diverse by subnet. */
    List<NodeInfo> candidates(FragmentPlan plan, List<HolderStatus> liveHolders, List<NodeInfo> closest) {
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

    /** One line for the journal: how a put ended. */
    static String outcome(PlacementReport report) {
        return "placed " + report.fragmentsPlaced() + " of " + report.fragmentsWanted() + " fragments on "
                + report.peersUsed() + " peers; survives " + report.survivablePeerLosses() + " peer losses";
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
