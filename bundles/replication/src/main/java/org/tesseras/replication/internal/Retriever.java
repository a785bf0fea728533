package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
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
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.ProgressListener;

/**
 * Gets a tessera back: the local copy if it still hashes to its name, else any {@code dataShards} fragments
 * (held here or fetched) checked against the manifest and decoded. A local fragment found bad is quarantined
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
        List<Holder> holders = new ArrayList<>();
        for (HolderStatus status : ports.holders().holders(hash)) {
            holders.add(status.holder());
        }
        TesseraManifest manifest = ports.fragments().manifest(hash).orElse(null);
        boolean enoughLocal = manifest != null && ports.fragments().list(hash).size() >= manifest.plan().dataShards();
        if (!enoughLocal) {
            Optional<TesseraPointer> pointer = findPointer(hash);
            if (pointer.isPresent()) {
                manifest = manifest == null ? trusted(hash, pointer.get()) : manifest;
                holders.addAll(pointer.get().holders());
            } else if (manifest == null) {
                throw new IOException("tessera " + hash + " is unknown here and no pointer to it was found on the network");
            }
        }
        FragmentPlan plan = manifest.plan();
        Path workDir = Files.createTempDirectory(part.getParent(), ".tesseras-fragments-");
        long start = System.nanoTime();
        Set<Integer> excluded = new HashSet<>();
        try {
            while (true) {
                try (FragmentGatherer.Gathered gathered = gatherer.gather(manifest, holders, excluded, workDir, progress);
                        FileChannel out = openOutput(part)) {
                    long fetched = System.nanoTime();
                    ContentHash actual = decode(manifest, gathered.channels(), out, progress);
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

    /** Decodes into {@code out} and returns the BLAKE3 of what was written. */
    private ContentHash decode(TesseraManifest manifest, List<ReadableByteChannel> fragments, FileChannel out,
            ProgressListener progress) throws IOException {
        FragmentPlan plan = manifest.plan();
        if (allDataShards(plan, fragments)) {
            // the data shards are the tessera: copied out in order and hashed on the way
            HashingChannels.Writing hashing = hashingOutput(out, "decoding", plan.tesseraSize(), progress);
            ports.coderFor(manifest).decode(plan, fragments, hashing);
            return hashing.finish();
        }
        // missing data shards are rebuilt slice by slice into their places in the file, out of order, so the file
        // is hashed once it is complete (from the page cache, cheaper than a spool file)
        progress.onProgress("decoding", 0, plan.tesseraSize());
        ports.coderFor(manifest).decode(plan, fragments, out);
        progress.onProgress("decoding", plan.tesseraSize(), plan.tesseraSize());
        return hashFile(out, plan.tesseraSize(), progress);
    }

    /** The pointer's manifest, once its owner's signature verifies and it names {@code hash}. */
    private TesseraManifest trusted(ContentHash hash, TesseraPointer pointer) throws IOException {
        TesseraManifest manifest = pointer.manifest();
        if (!manifest.tesseraHash().equals(hash)) {
            throw new IOException("the pointer found for " + hash + " describes " + manifest.tesseraHash());
        }
        Optional<String> fault = ports.verifier().manifestFault(manifest);
        if (fault.isPresent()) {
            throw new IOException("the pointer found for " + hash + " carries a manifest that cannot be trusted: "
                    + fault.get());
        }
        return manifest;
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

    private Optional<TesseraPointer> findPointer(ContentHash hash) throws IOException {
        try {
            return ports.dht().findPointer(hash).get(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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

    private static boolean allDataShards(FragmentPlan plan, List<? extends ReadableByteChannel> fragments) {
        for (int index = 0; index < plan.dataShards(); index++) {
            if (fragments.get(index) == null) {
                return false;
            }
        }
        return true;
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
