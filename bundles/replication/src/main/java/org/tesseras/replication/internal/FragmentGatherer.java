package org.tesseras.replication.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ProgressListener;

/**
 * Gathers {@code dataShards} fragments of a tessera for decoding: those held here first, the rest fetched
 * from holders in parallel (data shards preferred). Every byte is checked against the manifest, never against
 * what a holder claims: a fetched fragment is hashed as it is written and kept only when it matches; a local one
 * is hashed as it is read and checked afterwards ({@link Gathered#badLocalFragments}). A failed holder is
 * replaced by another source. Fetched data shards are written straight to their places in the file the tessera
 * is rebuilt in ({@link ShardRegion}); other fetched fragments go to a work directory.
 */
final class FragmentGatherer {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentGatherer.class);
    private static final long FETCH_TIMEOUT_SECONDS = 600;

    private final Ports ports;

    FragmentGatherer(Ports ports) {
        this.ports = ports;
    }

    /** Channels over the gathered fragments, one slot per index ({@code null} where absent); close to release. */
    static final class Gathered implements Closeable {
        private final FragmentPlan plan;
        private final FileChannel output;
        private final List<ReadableByteChannel> channels;
        private final Map<Integer, HashingChannels.Reading> local;
        private final Map<Integer, Long> wrongSize;
        private final Set<Integer> inPlace;
        private final int fetched;
        private final List<NodeId> fromPeers;

        Gathered(FragmentPlan plan, FileChannel output, List<ReadableByteChannel> channels,
                Map<Integer, HashingChannels.Reading> local, Map<Integer, Long> wrongSize, Set<Integer> inPlace, int fetched,
                List<NodeId> fromPeers) {
            this.plan = plan;
            this.output = output;
            this.channels = channels;
            this.local = local;
            this.wrongSize = wrongSize;
            this.inPlace = inPlace;
            this.fetched = fetched;
            this.fromPeers = fromPeers;
        }

        List<ReadableByteChannel> channels() {
            return channels;
        }

        int fetched() {
            return fetched;
        }

        List<NodeId> fromPeers() {
            return fromPeers;
        }

        /** The data shards already written to their places in the output given to {@link #gather}. */
        Set<Integer> inPlace() {
            return inPlace;
        }

        /**
         * Completes the tessera's {@code tesseraSize} bytes in the output given to {@link #gather}: with every
         * data shard at hand, those not yet in place are copied to theirs; otherwise {@code coder} rebuilds the
         * missing ones, reading the others (from their places for those there) and writing only what is not in
         * place yet. The caller hashes the result.
         */
        void assemble(ErasureCoder coder) throws IOException {
            boolean allData = true;
            for (int index = 0; index < plan.dataShards(); index++) {
                allData &= channels.get(index) != null;
            }
            if (!allData) {
                // the coder writes every data shard; those in place already are not written again
                coder.decode(plan, channels, ShardRegion.skippingPlaced(output, plan, inPlace));
                return;
            }
            for (int index = 0; index < plan.dataShards(); index++) {
                if (!inPlace.contains(index)) {
                    ShardRegion.of(output, plan, index).copyFrom(channels.get(index));
                }
            }
        }

        /**
         * The local fragments left unread because their files are not a shard long (cut short by a failing disk, or
         * grown), with the length found: nothing was decoded from them, and they are to be quarantined.
         */
        Map<Integer, Long> wrongSizeLocalFragments() {
            return wrongSize;
        }

        /**
         * After decoding: the local fragments used whose bytes do not match the manifest (each is read to its
         * end first, so the check covers every byte, padding included).
         */
        List<Integer> badLocalFragments(TesseraManifest manifest) throws IOException {
            List<Integer> bad = new ArrayList<>();
            for (Map.Entry<Integer, HashingChannels.Reading> entry : local.entrySet()) {
                int index = entry.getKey();
                if (channels.get(index) != null
                        && !entry.getValue().drainAndCheck(manifest.checksum(index), manifest.plan().shardSize())) {
                    bad.add(index);
                }
            }
            return bad;
        }

        @Override
        public void close() {
            closeAll(channels);
        }
    }

    /**
     * Gathers fragments of {@code manifest}'s tessera, leaving out the local fragments in {@code excluded}
     * (found bad before). Fetched data shards go straight to their places in {@code output}, the file the
     * tessera is then rebuilt in with {@link Gathered#assemble}; other fetched fragments go to {@code workDir}.
     */
    Gathered gather(TesseraManifest manifest, List<Holder> holders, Set<Integer> excluded, Path workDir,
            FileChannel output, ProgressListener progress) throws IOException {
        FragmentPlan plan = manifest.plan();
        ContentHash hash = plan.tesseraHash();
        FragmentStore store = ports.fragments();
        int needed = plan.dataShards();
        List<ReadableByteChannel> channels = new ArrayList<>(Collections.nCopies(plan.totalShards(), null));
        Map<Integer, HashingChannels.Reading> local = new LinkedHashMap<>();
        Map<Integer, Long> wrongSize = new LinkedHashMap<>();
        for (StoredFragment fragment : store.list(hash)) {
            int index = fragment.id().index();
            if (local.size() < needed && !excluded.contains(index) && fragment.id().totalShards() == plan.totalShards()
                    && fragment.id().checksum().equals(manifest.checksum(index))) {
                Optional<SeekableByteChannel> channel = store.open(hash, index);
                if (channel.isPresent() && channel.get().size() != plan.shardSize()) {
                    // not read: a short one would end the decode
                    wrongSize.put(index, channel.get().size());
                    close(channel.get());
                } else if (channel.isPresent()) {
                    HashingChannels.Reading reading = new HashingChannels.Reading(channel.get(), ports.hasher());
                    channels.set(index, reading);
                    local.put(index, reading);
                }
            }
        }
        int have = local.size();
        if (have >= needed) {
            return new Gathered(plan, output, keepPreferred(channels, needed), local, wrongSize, Set.of(), 0, List.of());
        }

        // remote sources per index, data shards first
        Map<Integer, Deque<Contact>> sources = new LinkedHashMap<>();
        NodeId self = ports.identity().nodeId();
        for (int index = 0; index < plan.totalShards(); index++) {
            if (channels.get(index) != null) {
                continue;
            }
            Deque<Contact> contacts = new ArrayDeque<>();
            for (Holder holder : holders) {
                if (holder.indices().contains(index) && !holder.node().equals(self)
                        && contacts.stream().noneMatch(c -> c.id().equals(holder.node()))) {
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
            throw new IOException("tessera " + hash + " cannot be rebuilt: " + have + " good fragments held here and "
                    + sources.size() + " reachable elsewhere, " + needed + " needed");
        }

        Fetching fetching = new Fetching(manifest, sources, missing, workDir, output, progress);
        try {
            fetching.run();
        } catch (IOException e) {
            closeAll(channels);
            throw e;
        }
        for (Map.Entry<Integer, Path> file : fetching.files.entrySet()) {
            channels.set(file.getKey(), FileChannel.open(file.getValue(), StandardOpenOption.READ));
        }
        for (int index : fetching.inPlace) {
            channels.set(index, ShardRegion.of(output, plan, index).reader());
        }
        return new Gathered(plan, output, keepPreferred(channels, needed), local, wrongSize, Set.copyOf(fetching.inPlace),
                fetching.fetched, List.copyOf(fetching.fromPeers));
    }

    /** How often one source may answer BUSY for one fragment before another source is tried. */
    static final int MAX_BUSY_ANSWERS = 10;
    /** The wait after a BUSY answer, times how many the source gave for that fragment. */
    static final long BUSY_RETRY_MILLIS = 200;

    /**
     * Fetches {@code missing} fragments, at most {@code maxConcurrentTransfers} at once, trying other sources on
     * failure; a source that answers BUSY (its stream limit with us is reached) is asked again shortly.
     */
    private final class Fetching {
        private final TesseraManifest manifest;
        private final Map<Integer, Deque<Contact>> sources;
        private final int missing;
        private final Path workDir;
        private final FileChannel output;
        private final ProgressListener progress;
        private final Deque<Integer> pending;
        private final Map<Integer, Path> files = new LinkedHashMap<>();
        private final Set<Integer> inPlace = new LinkedHashSet<>();
        private final Set<NodeId> fromPeers = new LinkedHashSet<>();
        private final List<String> failures = new ArrayList<>();
        private final Map<String, Integer> busyAnswers = new HashMap<>();
        private int fetched;
        private int inFlight;
        /** Fetches a busy source asked to wait for, due to be tried again. */
        private int waiting;

        Fetching(TesseraManifest manifest, Map<Integer, Deque<Contact>> sources, int missing, Path workDir,
                FileChannel output, ProgressListener progress) {
            this.manifest = manifest;
            this.sources = sources;
            this.missing = missing;
            this.workDir = workDir;
            this.output = output;
            this.progress = progress;
            this.pending = new ArrayDeque<>(sources.keySet());
        }

        synchronized void run() throws IOException {
            int maxInFlight = ports.settings().maxConcurrentTransfers();
            FragmentPlan plan = manifest.plan();
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
                    if (inFlight == 0 && waiting == 0) {
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
                while (inFlight > 0 || waiting > 0) {
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
            NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.FRAGMENT_FETCH);
            CompletableFuture<Optional<Path>> fetch;
            Runnable giveUp;
            if (index < manifest.plan().dataShards()) {
                ShardRegion.Writer place = ShardRegion.of(output, manifest.plan(), index).writer();
                giveUp = place::close;
                fetch = ports.transport().fetchFragment(source, manifest.tesseraHash(), index, (id, sentPlan, in) -> {
                    fetchVerified(ports.hasher(), manifest, index, id, in, place);
                    return Optional.<Path>empty();
                });
            } else {
                Path file = workDir.resolve(String.format("%03d.shard", index));
                giveUp = () -> { };
                fetch = ports.transport().fetchFragment(source, manifest.tesseraHash(), index,
                        (id, sentPlan, in) -> Optional.of(fetchVerified(ports.hasher(), manifest, index, id, in, file)));
            }
            // async: after a timeout, closing the place waits for a write under way, and the JDK's one timeout
            // thread is not to wait on a disk
            fetch.orTimeout(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenCompleteAsync((path, failure) -> {
                // a stream still running after a timeout writes nothing more to the shard's place; the next
                // source's fetch of it starts only once this is done
                giveUp.run();
                timing.end(failure == null ? NodeMetrics.Outcome.SUCCESS : NodeMetrics.Outcome.FAILURE);
                finished(index, source, path, failure);
            });
        }

        private synchronized void retryBusy(int index, Contact source) {
            waiting--;
            sources.get(index).addFirst(source);
            pending.addLast(index);
            notifyAll();
        }

        /** {@code path}: where the fragment was written, empty when it went to its place in the output. */
        private synchronized void finished(int index, Contact source, Optional<Path> path, Throwable failure) {
            inFlight--;
            if (failure == null) {
                if (path.isPresent()) {
                    files.put(index, path.get());
                } else {
                    inPlace.add(index);
                }
                fromPeers.add(source.id());
                fetched++;
                progress.onProgress("fetching fragments", fetched, missing);
            } else if (Failures.answeredBusy(failure) && busyAnswers.merge(source + "/" + index, 1, Integer::sum) <= MAX_BUSY_ANSWERS) {
                // the source has as many streams open with us as it allows: ask it again shortly, it is not at fault
                int attempt = busyAnswers.get(source + "/" + index);
                waiting++;
                CompletableFuture.delayedExecutor(BUSY_RETRY_MILLIS * attempt, TimeUnit.MILLISECONDS)
                        .execute(() -> retryBusy(index, source));
            } else {
                String why = Failures.rootMessage(failure);
                failures.add(source + " for " + index + ": " + why);
                LOG.info("Fetching {}/{} from {} failed: {}", manifest.tesseraHash(), index, source, why);
                if (!sources.get(index).isEmpty()) {
                    pending.addFirst(index);
                }
            }
            notifyAll();
        }
    }

    /**
     * Writes a fetched fragment to {@code file}, hashing as it goes; kept only when its length and checksum
     * are the ones {@code manifest} gives index {@code index}, whatever the sender claimed.
     */
    static Path fetchVerified(Hasher hasher, TesseraManifest manifest, int index, FragmentId sent, InputStream in,
            Path file) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            fetchVerified(hasher, manifest, index, sent, in, out);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        return Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Copies a fetched fragment to {@code out}, hashing as it goes, and throws unless its length and checksum are
     * the ones {@code manifest} gives index {@code index}; what reached {@code out} then is not to be used.
     */
    static void fetchVerified(Hasher hasher, TesseraManifest manifest, int index, FragmentId sent, InputStream in,
            WritableByteChannel out) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        if (!sent.tesseraHash().equals(hash) || sent.index() != index) {
            throw new FragmentIntegrityException("asked for " + hash + "/" + index + ", was sent " + sent);
        }
        ContentHash expected = manifest.checksum(index);
        long length = manifest.plan().shardSize();
        Hasher.Hashed received = hasher.copy(in, out);
        if (received.length() != length || !received.checksum().equals(expected)) {
            throw new FragmentIntegrityException("fragment " + hash + "/" + index + " arrived with "
                    + received.length() + " bytes and checksum " + received.checksum() + ", its manifest gives "
                    + length + " bytes and " + expected);
        }
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
