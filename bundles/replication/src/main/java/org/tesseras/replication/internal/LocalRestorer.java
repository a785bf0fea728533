package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * Makes fragments present here again: fetched whole from a holder when one has them, else rebuilt by
 * re-encoding the tessera (our own copy, or one decoded from any {@code dataShards} fragments).
 */
final class LocalRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRestorer.class);
    private static final long FETCH_TIMEOUT_SECONDS = 600;

    private final Ports ports;
    private final FragmentGatherer gatherer;

    LocalRestorer(Ports ports, FragmentGatherer gatherer) {
        this.ports = ports;
        this.gatherer = gatherer;
    }

    /** How fragments came back. */
    record Restored(int fetched, int rebuilt) {
    }

    /**
     * Restores {@code indices} of {@code plan} that are not held here. {@code previous} gives the rows they had
     * (checksum, origin) when known, so a fetched copy must match what we held.
     */
    Restored restore(FragmentPlan plan, List<Integer> indices, List<Holder> holders, Map<Integer, StoredFragment> previous)
            throws IOException {
        ContentHash hash = plan.tesseraHash();
        FragmentStore store = ports.fragments();
        List<Integer> absent = new ArrayList<>();
        for (int index : indices) {
            if (store.find(hash, index).isEmpty()) {
                absent.add(index);
            }
        }
        int fetched = 0;
        List<Integer> toRebuild = new ArrayList<>();
        for (int index : absent) {
            if (fetchWhole(plan, index, holders, Optional.ofNullable(previous.get(index)))) {
                fetched++;
            } else {
                toRebuild.add(index);
            }
        }
        if (!toRebuild.isEmpty()) {
            rebuild(plan, toRebuild, holders);
        }
        return new Restored(fetched, toRebuild.size());
    }

    private boolean fetchWhole(FragmentPlan plan, int index, List<Holder> holders, Optional<StoredFragment> previous) {
        ContentHash hash = plan.tesseraHash();
        for (Holder holder : holders) {
            if (!holder.indices().contains(index) || holder.node().equals(ports.identity().nodeId())) {
                continue;
            }
            try {
                ports.dht().fetch(holder.contact(), hash, index, (id, sentPlan, in) -> {
                    if (previous.isPresent() && !previous.get().id().checksum().equals(id.checksum())) {
                        throw new FragmentIntegrityException("holder sent " + hash + "/" + index + " with checksum "
                                + id.checksum() + ", we held " + previous.get().id().checksum());
                    }
                    return ports.fragments().store(id, plan, in,
                            previous.flatMap(StoredFragment::originPeer));
                }).get(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Fetched fragment {}/{} back from {}", hash, index, holder.contact());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                LOG.info("Fetching {}/{} from {} failed: {}", hash, index, holder.contact(), Placement.rootMessage(e));
            }
        }
        return false;
    }

    /** Re-encodes the tessera and keeps only {@code indices}. */
    private void rebuild(FragmentPlan plan, List<Integer> indices, List<Holder> holders) throws IOException {
        ContentHash hash = plan.tesseraHash();
        Optional<SeekableByteChannel> blob = ports.blobs().read(hash);
        if (blob.isPresent()) {
            try (SeekableByteChannel source = blob.get()) {
                encodeInto(plan, indices, source);
            }
            return;
        }
        Path workDir = Files.createTempDirectory("tesseras-rebuild-");
        try {
            Path tessera = workDir.resolve("tessera");
            try (FragmentGatherer.Gathered gathered = gatherer.gather(plan, holders, workDir, ProgressListener.NONE);
                    FileChannel out = FileChannel.open(tessera, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                HashingChannels.Writing hashing = new HashingChannels.Writing(out, ports.hasher(), written -> {
                });
                ports.coder().decode(plan, gathered.channels(), hashing);
                ContentHash actual = hashing.finish();
                if (!actual.equals(hash)) {
                    throw new IOException("rebuilding fragments " + indices + " of " + hash
                            + " failed: the decoded tessera hashes to " + actual);
                }
            }
            try (SeekableByteChannel source = FileChannel.open(tessera, StandardOpenOption.READ)) {
                encodeInto(plan, indices, source);
            }
        } finally {
            FragmentGatherer.deleteTree(workDir);
        }
    }

    private void encodeInto(FragmentPlan plan, List<Integer> indices, SeekableByteChannel source) throws IOException {
        for (StoredFragment stored : encodeInto(ports, plan, indices, source, ProgressListener.NONE)) {
            LOG.info("Rebuilt fragment {}", stored.id());
        }
    }

    /**
     * Encodes the tessera read from {@code source} and stores fragments {@code indices} here (the others are
     * computed and dropped). The coder checksums each fragment on the way, so the store does not hash again.
     */
    static List<StoredFragment> encodeInto(Ports ports, FragmentPlan plan, Collection<Integer> indices,
            SeekableByteChannel source, ProgressListener progress) throws IOException {
        FragmentStore store = ports.fragments();
        List<WritableByteChannel> sinks = new ArrayList<>();
        Map<Integer, FragmentStore.FragmentWriter> writers = new LinkedHashMap<>();
        progress.onProgress("encoding", 0, indices.size());
        try {
            for (int index = 0; index < plan.totalShards(); index++) {
                if (indices.contains(index)) {
                    FragmentStore.FragmentWriter writer = store.createChecksummedBySource(plan, index);
                    writers.put(index, writer);
                    sinks.add(writer);
                } else {
                    sinks.add(new HashingChannels.Discarding());
                }
            }
            List<ContentHash> checksums = ports.coder().encode(plan, source, sinks);
            List<StoredFragment> stored = new ArrayList<>();
            for (Map.Entry<Integer, FragmentStore.FragmentWriter> writer : writers.entrySet()) {
                stored.add(writer.getValue().commit(checksums.get(writer.getKey())));
                progress.onProgress("encoding", stored.size(), writers.size());
            }
            return stored;
        } finally {
            for (FragmentStore.FragmentWriter writer : writers.values()) {
                try {
                    writer.close();
                } catch (IOException e) {
                    LOG.debug("Closing a fragment writer failed: {}", e.toString());
                }
            }
        }
    }
}
