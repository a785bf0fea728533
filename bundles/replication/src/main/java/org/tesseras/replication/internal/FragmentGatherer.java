package org.tesseras.replication.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ProgressListener;

/**
 * Gathers {@code dataShards} fragments of a tessera for decoding: those held here first, the rest fetched
 * from holders in parallel (data shards preferred), each fetched fragment checked against its checksum
 * and length as it is written to a work directory. A failed holder is replaced by another source.
 */
final class FragmentGatherer {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentGatherer.class);
    private static final long FETCH_TIMEOUT_SECONDS = 600;

    private final Ports ports;

    FragmentGatherer(Ports ports) {
        this.ports = ports;
    }

    /** Channels over the gathered fragments, one slot per index ({@code null} where absent); close to release. */
    record Gathered(List<ReadableByteChannel> channels, int fetched, List<NodeId> fromPeers) implements Closeable {
        @Override
        public void close() {
            for (ReadableByteChannel channel : channels) {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        LOG.debug("Closing a gathered fragment failed: {}", e.toString());
                    }
                }
            }
        }
    }

    Gathered gather(FragmentPlan plan, List<Holder> holders, Path workDir, ProgressListener progress)
            throws IOException {
        ContentHash hash = plan.tesseraHash();
        FragmentStore store = ports.fragments();
        int needed = plan.dataShards();
        List<ReadableByteChannel> channels = new ArrayList<>(Collections.nCopies(plan.totalShards(), null));
        int have = 0;
        for (StoredFragment fragment : store.list(hash)) {
            int index = fragment.id().index();
            if (have < needed) {
                var channel = store.open(hash, index);
                if (channel.isPresent()) {
                    channels.set(index, channel.get());
                    have++;
                }
            }
        }
        if (have >= needed) {
            return new Gathered(keepPreferred(channels, needed), 0, List.of());
        }

        // remote sources per index, data shards first
        Map<Integer, Deque<Contact>> sources = new LinkedHashMap<>();
        for (int index = 0; index < plan.totalShards(); index++) {
            if (channels.get(index) != null) {
                continue;
            }
            Deque<Contact> contacts = new ArrayDeque<>();
            for (Holder holder : holders) {
                if (holder.indices().contains(index) && !holder.node().equals(ports.identity().nodeId())) {
                    contacts.add(holder.contact());
                }
            }
            if (!contacts.isEmpty()) {
                sources.put(index, contacts);
            }
        }
        int missing = needed - have;
        if (sources.size() < missing) {
            closeAll(channels);
            throw new IOException("tessera " + hash + " cannot be rebuilt: " + have + " fragments held here and "
                    + sources.size() + " reachable elsewhere, " + needed + " needed");
        }

        Fetching fetching = new Fetching(plan, sources, missing, workDir, progress);
        try {
            fetching.run();
        } catch (IOException e) {
            closeAll(channels);
            throw e;
        }
        for (Map.Entry<Integer, Path> file : fetching.files.entrySet()) {
            channels.set(file.getKey(), FileChannel.open(file.getValue(), StandardOpenOption.READ));
        }
        return new Gathered(keepPreferred(channels, needed), fetching.fetched, List.copyOf(fetching.fromPeers));
    }

    /** Fetches {@code missing} fragments, at most {@code maxConcurrentTransfers} at once, trying other sources on failure. */
    private final class Fetching {
        private final FragmentPlan plan;
        private final Map<Integer, Deque<Contact>> sources;
        private final int missing;
        private final Path workDir;
        private final ProgressListener progress;
        private final Deque<Integer> pending;
        private final Map<Integer, Path> files = new LinkedHashMap<>();
        private final Set<NodeId> fromPeers = new LinkedHashSet<>();
        private final List<String> failures = new ArrayList<>();
        private int fetched;
        private int inFlight;

        Fetching(FragmentPlan plan, Map<Integer, Deque<Contact>> sources, int missing, Path workDir,
                ProgressListener progress) {
            this.plan = plan;
            this.sources = sources;
            this.missing = missing;
            this.workDir = workDir;
            this.progress = progress;
            this.pending = new ArrayDeque<>(sources.keySet());
        }

        synchronized void run() throws IOException {
            int maxInFlight = ports.settings().maxConcurrentTransfers();
            progress.onProgress("fetching fragments", 0, missing);
            try {
                while (fetched < missing) {
                    if (inFlight < maxInFlight && inFlight + fetched < missing && !pending.isEmpty()) {
                        int index = pending.poll();
                        Contact source = sources.get(index).poll();
                        if (source != null) {
                            inFlight++;
                            start(index, source);
                        }
                        continue;
                    }
                    if (inFlight == 0) {
                        throw new IOException("tessera " + plan.tesseraHash() + " cannot be rebuilt: only "
                                + (plan.dataShards() - missing + fetched) + " of " + plan.dataShards()
                                + " fragments could be gathered; failures: " + failures);
                    }
                    wait(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("gathering fragments of " + plan.tesseraHash() + " was interrupted", e);
            } finally {
                while (inFlight > 0) {
                    try {
                        wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }

        private void start(int index, Contact source) {
            ContentHash hash = plan.tesseraHash();
            Path file = workDir.resolve(String.format("%03d.shard", index));
            ports.dht().fetch(source, hash, index, (id, sentPlan, in) -> receive(plan, index, id, in, file))
                    .orTimeout(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .whenComplete((path, failure) -> finished(index, source, path, failure));
        }

        private synchronized void finished(int index, Contact source, Path path, Throwable failure) {
            inFlight--;
            if (failure == null) {
                files.put(index, path);
                fromPeers.add(source.id());
                fetched++;
                progress.onProgress("fetching fragments", fetched, missing);
            } else {
                String why = Placement.rootMessage(failure);
                failures.add(source + " for " + index + ": " + why);
                LOG.info("Fetching {}/{} from {} failed: {}", plan.tesseraHash(), index, source, why);
                if (!sources.get(index).isEmpty()) {
                    pending.addFirst(index);
                }
            }
            notifyAll();
        }
    }

    /** Writes a fetched fragment to {@code file}, hashing as it goes; kept only when checksum and length match. */
    private Path receive(FragmentPlan plan, int index, FragmentId id, InputStream in, Path file) throws IOException {
        ContentHash hash = plan.tesseraHash();
        if (!id.tesseraHash().equals(hash) || id.index() != index || id.totalShards() != plan.totalShards()) {
            throw new FragmentIntegrityException("asked for " + hash + "/" + index + ", was sent " + id);
        }
        ports.fragments().find(hash, index).map(f -> f.id().checksum()).filter(c -> !c.equals(id.checksum()))
                .ifPresent(known -> {
                    throw new IllegalStateException("fragment " + hash + "/" + index + " was sent with checksum "
                            + id.checksum() + ", expected " + known);
                });
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Hasher.IncrementalHash digest = ports.hasher().newHash();
        long length = 0;
        try (var out = Files.newOutputStream(part)) {
            byte[] buffer = new byte[256 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                length += n;
            }
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        ContentHash actual = digest.finish();
        if (length != plan.shardSize() || !actual.equals(id.checksum())) {
            Files.deleteIfExists(part);
            throw new FragmentIntegrityException("fragment " + hash + "/" + index + " arrived with " + length
                    + " bytes and checksum " + actual + ", expected " + plan.shardSize() + " bytes and " + id.checksum());
        }
        return Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Keeps exactly {@code needed} channels, data shards first; closes the rest. */
    private static List<ReadableByteChannel> keepPreferred(List<ReadableByteChannel> channels, int needed) {
        int kept = 0;
        List<ReadableByteChannel> result = new ArrayList<>(channels);
        for (int index = 0; index < result.size(); index++) {
            if (result.get(index) == null) {
                continue;
            }
            if (kept < needed) {
                kept++;
            } else {
                close(result.get(index));
                result.set(index, null);
            }
        }
        return result;
    }

    private static void closeAll(List<ReadableByteChannel> channels) {
        channels.forEach(FragmentGatherer::close);
    }

    private static void close(ReadableByteChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing a fragment channel failed: {}", e.toString());
            }
        }
    }

    /** Deletes a work directory and what is in it. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("Could not delete the work directory {}: {}", dir, e.toString());
        }
    }
}
