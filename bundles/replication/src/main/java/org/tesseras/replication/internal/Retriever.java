package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ProgressListener;

/**
 * Gets a tessera back: the local copy if there is one, else any {@code dataShards} fragments (held here
 * or fetched) decoded and checked against the tessera hash. Output goes to a temporary file beside the
 * target and is renamed into place only when the hash matches.
 */
final class Retriever {
    private static final Logger LOG = LoggerFactory.getLogger(Retriever.class);
    private static final int COPY_BUFFER_BYTES = 1 << 20;
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
        try {
            RetrievalReport report = retrieveInto(hash, part, progress);
            try {
                Files.move(part, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, absolute);
            }
            return report;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private RetrievalReport retrieveInto(ContentHash hash, Path part, ProgressListener progress) throws IOException {
        Optional<SeekableByteChannel> blob = ports.blobs().read(hash);
        if (blob.isPresent()) {
            try (SeekableByteChannel in = blob.get(); FileChannel out = openOutput(part)) {
                long size = in.size();
                HashingChannels.Writing hashing = hashingOutput(out, "copying", size, progress);
                ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER_BYTES);
                while (in.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        hashing.write(buffer);
                    }
                    buffer.clear();
                }
                check(hash, hashing);
                out.force(true);
                return new RetrievalReport(hash, size, RetrievalReport.Source.LOCAL_BLOB, 0, List.of());
            }
        }

        Optional<FragmentPlan> localPlan = ports.fragments().plan(hash);
        List<Holder> holders = new ArrayList<>();
        for (HolderStatus status : ports.holders().holders(hash)) {
            holders.add(status.holder());
        }
        FragmentPlan plan = localPlan.orElse(null);
        boolean enoughLocal = plan != null && ports.fragments().list(hash).size() >= plan.dataShards();
        if (!enoughLocal) {
            Optional<TesseraPointer> pointer = findPointer(hash);
            if (pointer.isPresent()) {
                plan = plan == null ? pointer.get().plan() : plan;
                holders.addAll(pointer.get().holders());
            } else if (plan == null) {
                throw new IOException("tessera " + hash + " is unknown here and no pointer to it was found on the network");
            }
        }
        if (!plan.tesseraHash().equals(hash)) {
            throw new IOException("the pointer found for " + hash + " describes " + plan.tesseraHash());
        }

        Path workDir = Files.createTempDirectory(part.getParent(), ".tesseras-fragments-");
        long start = System.nanoTime();
        try (FragmentGatherer.Gathered gathered = gatherer.gather(plan, holders, workDir, progress);
                FileChannel out = openOutput(part)) {
            long fetched = System.nanoTime();
            if (allDataShards(plan, gathered.channels())) {
                // the data shards are the tessera: copied out in order and hashed on the way
                HashingChannels.Writing hashing = hashingOutput(out, "decoding", plan.tesseraSize(), progress);
                ports.coder().decode(plan, gathered.channels(), hashing);
                check(hash, hashing);
            } else {
                // missing data shards are rebuilt slice by slice into their places in the file, out of order,
                // so the file is hashed once it is complete (from the page cache, cheaper than a spool file)
                progress.onProgress("decoding", 0, plan.tesseraSize());
                ports.coder().decode(plan, gathered.channels(), out);
                progress.onProgress("decoding", plan.tesseraSize(), plan.tesseraSize());
                check(hash, hashFile(out, plan.tesseraSize(), progress));
            }
            long decoded = System.nanoTime();
            out.force(true);
            LOG.info("Get {} ({} bytes): {} fragments fetched in {} ms, decoded and checked in {} ms, synced in {} ms",
                    hash, plan.tesseraSize(), gathered.fetched(), (fetched - start) / 1_000_000,
                    (decoded - fetched) / 1_000_000, (System.nanoTime() - decoded) / 1_000_000);
            RetrievalReport.Source source = gathered.fetched() == 0 ? RetrievalReport.Source.LOCAL_FRAGMENTS
                    : RetrievalReport.Source.NETWORK;
            return new RetrievalReport(hash, plan.tesseraSize(), source, gathered.fetched(), gathered.fromPeers());
        } finally {
            FragmentGatherer.deleteTree(workDir);
        }
    }

    private Optional<TesseraPointer> findPointer(ContentHash hash) throws IOException {
        try {
            return ports.dht().findPointer(hash).get(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("looking up " + hash + " was interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("looking up the pointer of " + hash + " failed: " + Placement.rootMessage(e), e);
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

    /** Hashes the first {@code size} bytes of {@code file}, reporting progress as "checking". */
    private ContentHash hashFile(FileChannel file, long size, ProgressListener progress) throws IOException {
        if (file.size() != size) {
            throw new IOException("rebuilt " + file.size() + " bytes, the plan says " + size);
        }
        Hasher.IncrementalHash digest = ports.hasher().newHash();
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER_BYTES);
        long lastReported = 0;
        for (long done = 0; done < size;) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), size - done));
            int n = file.read(buffer, done);
            if (n < 0) {
                throw new IOException("the rebuilt file ended at " + done + " of " + size + " bytes");
            }
            digest.update(buffer.flip());
            done += n;
            if (done - lastReported >= PROGRESS_STEP_BYTES || done == size) {
                lastReported = done;
                progress.onProgress("checking", done, size);
            }
        }
        return digest.finish();
    }

    private HashingChannels.Writing hashingOutput(FileChannel out, String phase, long total, ProgressListener progress) {
        long[] lastReported = {0};
        return new HashingChannels.Writing(out, ports.hasher(), written -> {
            if (written - lastReported[0] >= PROGRESS_STEP_BYTES || written == total) {
                lastReported[0] = written;
                progress.onProgress(phase, written, total);
            }
        });
    }

    private static void check(ContentHash expected, HashingChannels.Writing written) throws IOException {
        check(expected, written.finish());
    }

    private static void check(ContentHash expected, ContentHash actual) throws IOException {
        if (!actual.equals(expected)) {
            throw new IOException("rebuilt bytes hash to " + actual + ", not " + expected
                    + ": a fragment was wrong; nothing was written");
        }
    }
}
