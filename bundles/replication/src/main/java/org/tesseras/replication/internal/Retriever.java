package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tesseras.api.metrics.NodeMetrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.ProgressListener;

/**
 * Gets a tessera back: the local copy if it still hashes to its name, else any {@code dataShards} fragments
 * (held here or fetched) checked against the manifest and decoded; fetched data shards are written straight to
 * their places in the output as they arrive. A local fragment found bad is quarantined
 * and the decode runs again from other sources; a rotted local copy is replaced by the rebuilt bytes. Output
 * goes to a temporary file beside the target and is renamed into place only when the hash matches.
 */
final class Retriever {
    private static final Logger LOG = LoggerFactory.getLogger(Retriever.class);
    private static final long PROGRESS_STEP_BYTES = 8L << 20;
    static final long LOOKUP_TIMEOUT_SECONDS = 60;

    private final Ports ports;
    private final FragmentGatherer gatherer;

    Retriever(Ports ports, FragmentGatherer gatherer) {
        this.ports = ports;
        this.gatherer = gatherer;
    }

    RetrievalReport retrieve(ContentHash hash, Path target, ProgressListener progress) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute)) {
            throw new FileAlreadyExistsException(absolute.toString(), null, "will not overwrite it with " + hash);
        }
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path part = Files.createTempFile(directory, "." + absolute.getFileName(), ".part");
        NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.GET);
        try {
            RetrievalReport report = retrieveInto(hash, part, progress);
            try {
                Files.move(part, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, absolute);
            }
            timing.succeeded();
            return report;
        } finally {
            timing.failed();
            Files.deleteIfExists(part);
        }
    }

    private RetrievalReport retrieveInto(ContentHash hash, Path part, ProgressListener progress) throws IOException {
        Optional<SeekableByteChannel> blob = ports.blobs().read(hash);
        boolean blobRotted = false;
        if (blob.isPresent()) {
            if (copyBlob(hash, blob.get(), part, progress)) {
                return new RetrievalReport(hash, Files.size(part), RetrievalReport.Source.LOCAL_BLOB, 0, List.of());
            }
            blobRotted = true;
            LOG.warn("The copy of {} kept here no longer hashes to its name; getting it from its fragments instead",
                    hash);
        }
        RetrievalReport report = fromFragments(hash, part, progress);
        if (blobRotted) {
            replaceRottedBlob(hash, part);
        }
        return report;
    }

    /** Copies the local copy out while hashing it; false (and nothing kept) when it does not hash to its name. */
    private boolean copyBlob(ContentHash hash, SeekableByteChannel blob, Path part, ProgressListener progress)
            throws IOException {
        try (SeekableByteChannel in = blob; FileChannel out = openOutput(part)) {
            long size = in.size();
            HashingChannels.Writing hashing = hashingOutput(out, "copying", size, progress);
            HashingChannels.pump(in, hashing);
            if (!hashing.finish().equals(hash)) {
                out.truncate(0);
                return false;
            }
            out.force(true);
            return true;
        }
    }

    private RetrievalReport fromFragments(ContentHash hash, Path part, ProgressListener progress) throws IOException {
        List<Holder> recorded = new ArrayList<>();
        for (HolderStatus status : ports.holders().holders(hash)) {
            recorded.add(status.holder());
        }
        TesseraManifest local = ports.fragments().manifest(hash).orElse(null);
        boolean enoughLocal = local != null && ports.fragments().list(hash).size() >= local.plan().dataShards();
        List<Candidate> candidates = new ArrayList<>();
        if (enoughLocal) {
            candidates.add(new Candidate(local, recorded));
        } else {
            Optional<PointerRecords> records = findPointers(hash);
            if (local != null) {
                List<Holder> holders = new ArrayList<>(recorded);
                records.flatMap(r -> r.variantOf(local)).ifPresent(v -> holders.addAll(v.holders()));
                candidates.add(new Candidate(local, holders));
            } else if (records.isEmpty()) {
                throw new IOException("tessera " + hash + " is unknown here and no pointer to it was found on the"
                        + " network");
            } else {
                for (PointerRecords.Variant variant : records.get().variants()) {
                    Optional<String> fault = distrust(hash, variant.manifest());
                    if (fault.isPresent()) {
                        LOG.warn("A manifest of {} found in the DHT is ignored: {}", hash, fault.get());
                    } else {
                        candidates.add(new Candidate(variant.manifest(), variant.holders()));
                    }
                }
                if (candidates.isEmpty()) {
                    throw new IOException("the pointers found for " + hash + " carry no manifest that can be"
                            + " trusted");
                }
            }
        }
        List<String> failures = new ArrayList<>();
        for (Candidate candidate : candidates) {
            try {
                return decodeFrom(candidate.manifest(), candidate.holders(), part, progress);
            } catch (IOException e) {
                if (candidates.size() == 1) {
                    throw e;
                }
                LOG.warn("Getting {} under the manifest signed by {} failed: {}; trying the next one", hash,
                        candidate.manifest().owner().shortHex(), e.getMessage());
                failures.add(candidate.manifest().owner().shortHex() + ": " + e.getMessage());
            }
        }
        throw new IOException("no manifest found for " + hash + " rebuilds it: " + String.join("; ", failures));
    }

    /** A manifest to rebuild the tessera under, and where its fragments may be. */
    private record Candidate(TesseraManifest manifest, List<Holder> holders) {
    }

    private RetrievalReport decodeFrom(TesseraManifest manifest, List<Holder> holders, Path part,
            ProgressListener progress) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        FragmentPlan plan = manifest.plan();
        Path workDir = Files.createTempDirectory(part.getParent(), ".tesseras-fragments-");
        long start = System.nanoTime();
        Set<Integer> excluded = new HashSet<>();
        try {
            while (true) {
                try (FileChannel out = openOutput(part);
                        FragmentGatherer.Gathered gathered = gatherer.gather(manifest, holders, excluded, workDir, out,
                                progress)) {
                    LocalDamage.quarantineWrongSize(ports, hash, plan, gathered.wrongSizeLocalFragments(), "a get");
                    long fetched = System.nanoTime();
                    ContentHash actual = decode(manifest, gathered, out, progress);
                    List<Integer> bad = gathered.badLocalFragments(manifest);
                    if (!bad.isEmpty()) {
                        for (int index : bad) {
                            LocalDamage.quarantine(ports, hash, index, "its bytes no longer match the manifest (found"
                                    + " while reading it for a get)");
                        }
                        LOG.warn("Local fragments {} of {} are corrupt and were quarantined; decoding again from other"
                                + " sources", bad, hash);
                        excluded.addAll(bad);
                        continue;
                    }
                    if (!actual.equals(hash)) {
                        throw new IOException("rebuilt bytes hash to " + actual + ", not " + hash + ", although every"
                                + " fragment matched the manifest: the manifest does not describe this tessera;"
                                + " nothing was written");
                    }
                    long decoded = System.nanoTime();
                    out.force(true);
                    LOG.info("Get {} ({} bytes): {} fragments fetched in {} ms, decoded and checked in {} ms, synced"
                            + " in {} ms", hash, plan.tesseraSize(), gathered.fetched(), (fetched - start) / 1_000_000,
                            (decoded - fetched) / 1_000_000, (System.nanoTime() - decoded) / 1_000_000);
                    RetrievalReport.Source source = gathered.fetched() == 0 ? RetrievalReport.Source.LOCAL_FRAGMENTS
                            : RetrievalReport.Source.NETWORK;
                    return new RetrievalReport(hash, plan.tesseraSize(), source, gathered.fetched(),
                            gathered.fromPeers());
                }
            }
        } finally {
            FragmentGatherer.deleteTree(workDir);
        }
    }

    /**
     * Completes the tessera in {@code out}, where the fetched data shards already are, and returns the BLAKE3 of
     * the file: the data shards held here are copied to their places, missing ones rebuilt into theirs, and the
     * file is hashed once it is complete (from the page cache).
     */
    private ContentHash decode(TesseraManifest manifest, FragmentGatherer.Gathered gathered, FileChannel out,
            ProgressListener progress) throws IOException {
        FragmentPlan plan = manifest.plan();
        progress.onProgress("decoding", 0, plan.tesseraSize());
        gathered.assemble(ports.coderFor(manifest));
        progress.onProgress("decoding", plan.tesseraSize(), plan.tesseraSize());
        return hashFile(out, plan.tesseraSize(), progress);
    }

    /** Why {@code manifest} cannot be used to rebuild {@code hash}, or empty when its owner's signature holds. */
    private Optional<String> distrust(ContentHash hash, TesseraManifest manifest) {
        if (!manifest.tesseraHash().equals(hash)) {
            return Optional.of("it describes " + manifest.tesseraHash());
        }
        return ports.verifier().manifestFault(manifest);
    }

    /** The local copy rotted: it goes to quarantine and the bytes just rebuilt and checked take its place. */
    private void replaceRottedBlob(ContentHash hash, Path rebuilt) {
        try {
            ports.blobs().quarantine(hash, "it no longer hashes to its name (found by a get)");
            ContentHash kept;
            try (InputStream in = Files.newInputStream(rebuilt)) {
                kept = ports.blobs().write(in);
            }
            LOG.warn("The rotted copy of {} kept here was quarantined and replaced by the rebuilt one ({})", hash,
                    kept.equals(hash) ? "checked" : "hash " + kept);
        } catch (IOException | RuntimeException e) {
            LOG.warn("The rotted copy of {} could not be replaced: {}; the repair round tries again", hash,
                    e.toString());
        }
    }

    private Optional<PointerRecords> findPointers(ContentHash hash) throws IOException {
        try {
            return ports.dht().findPointers(hash).get(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("looking up " + hash + " was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("looking up the pointer of " + hash + " failed: " + Failures.rootMessage(e), e);
        }
    }

    private static FileChannel openOutput(Path part) throws IOException {
        return FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Hashes {@code file}, which must hold {@code size} bytes, reporting progress as "checking". */
    private ContentHash hashFile(FileChannel file, long size, ProgressListener progress) throws IOException {
        if (file.size() != size) {
            throw new IOException("rebuilt " + file.size() + " bytes, the plan says " + size);
        }
        HashingChannels.Writing hashing = hashingOutput(new HashingChannels.Discarding(), "checking", size, progress);
        HashingChannels.pump(file.position(0), hashing);
        return hashing.finish();
    }

    private HashingChannels.Writing hashingOutput(WritableByteChannel out, String phase, long total, ProgressListener progress) {
        long[] lastReported = {0};
        return new HashingChannels.Writing(out, ports.hasher(), written -> {
            if (written - lastReported[0] >= PROGRESS_STEP_BYTES || written == total) {
                lastReported[0] = written;
                progress.onProgress(phase, written, total);
            }
        });
    }
}
