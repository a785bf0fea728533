package org.tesseras.erasure.rs.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.Hasher.IncrementalHash;

/**
 * Streaming encode and decode of whole tesseras, slice by slice: memory is {@code totalShards x slice}
 * whatever the tessera size. Data shard {@code i} is the tessera bytes {@code [i*shardSize, (i+1)*shardSize)},
 * zero-padded past the end of the tessera.
 */
final class TesseraStreams {
    private static final Logger LOG = LoggerFactory.getLogger(TesseraStreams.class);
    /** Below this many bytes a slice is hashed and written on the caller alone. */
    private static final long MIN_SPREAD_BYTES = 64 * 1024;

    private final ReedSolomonCodec codec;
    private final Hasher hasher;
    private final TaskSpreader spreader;
    private final int sliceBytes;

    TesseraStreams(ReedSolomonCodec codec, Hasher hasher, Executor workers, int threads, int sliceBytes) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.spreader = new TaskSpreader(workers, threads);
        this.sliceBytes = sliceBytes;
    }

    /** Writes the fragments of the tessera in {@code source} to {@code sinks}; returns their BLAKE3 checksums. */
    List<ContentHash> encode(FragmentPlan plan, SeekableByteChannel source, List<? extends WritableByteChannel> sinks)
            throws IOException {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(source, "source of " + plan.tesseraHash());
        int total = plan.totalShards();
        if (sinks == null || sinks.size() != total) {
            throw new IllegalArgumentException(plan.tesseraHash() + " has " + total + " fragments, got "
                    + (sinks == null ? "no" : sinks.size()) + " sinks");
        }
        long available = source.size();
        if (available < plan.tesseraSize()) {
            throw new EOFException("tessera " + plan.tesseraHash() + " has " + available + " bytes, its plan says "
                    + plan.tesseraSize());
        }
        int k = plan.dataShards();
        long shardSize = plan.shardSize();
        int slice = (int) Math.min(sliceBytes, Math.max(shardSize, 1));
        byte[][] shards = new byte[total][slice];
        IncrementalHash[] hashes = new IncrementalHash[total];
        for (int i = 0; i < total; i++) {
            hashes[i] = hasher.newHash();
        }
        for (long done = 0; done < shardSize; done += slice) {
            int n = (int) Math.min(slice, shardSize - done);
            for (int i = 0; i < k; i++) {
                readAt(plan, source, i * shardSize + done, shards[i], n);
            }
            codec.encodeParity(k, plan.parityShards(), shards, 0, n);
            hashAndWriteAll(plan, sinks, shards, hashes, n);
        }
        List<ContentHash> checksums = new ArrayList<>(total);
        for (IncrementalHash hash : hashes) {
            checksums.add(hash.finish());
        }
        return checksums;
    }

    /** Rebuilds the tessera from at least {@code dataShards} of its fragments and writes its bytes to {@code out}. */
    void decode(FragmentPlan plan, List<? extends ReadableByteChannel> fragments, WritableByteChannel out)
            throws IOException {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(out, "output of " + plan.tesseraHash());
        int total = plan.totalShards();
        int k = plan.dataShards();
        if (fragments == null || fragments.size() != total) {
            throw new IllegalArgumentException(plan.tesseraHash() + " has " + total + " fragments, got a list of "
                    + (fragments == null ? "none" : fragments.size()));
        }
        boolean[] present = new boolean[total];
        int[] chosen = new int[k];
        int presentCount = 0;
        for (int i = 0; i < total; i++) {
            present[i] = fragments.get(i) != null;
            if (present[i]) {
                if (presentCount < k) {
                    chosen[presentCount] = i;
                }
                presentCount++;
            }
        }
        if (presentCount < k) {
            throw new IllegalArgumentException("cannot decode " + plan.tesseraHash() + ": " + presentCount
                    + " fragments present, " + k + " needed");
        }
        if (chosen[k - 1] == k - 1) {
            copyDataShards(plan, fragments, out);
        } else if (out instanceof SeekableByteChannel seekable) {
            long base = seekable.position();
            rebuild(plan, fragments, present, chosen, seekable, base);
            seekable.position(base + plan.tesseraSize());
        } else {
            spoolAndCopy(plan, fragments, present, chosen, out);
        }
    }

    /** All data shards are there: each is copied in turn, cut at the tessera's end. */
    private void copyDataShards(FragmentPlan plan, List<? extends ReadableByteChannel> fragments,
            WritableByteChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(sliceBytes, Math.max(plan.shardSize(), 1)));
        for (int i = 0; i < plan.dataShards(); i++) {
            long wanted = Math.max(0, Math.min(plan.shardSize(), plan.tesseraSize() - i * plan.shardSize()));
            for (long done = 0; done < wanted; done += buffer.limit()) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), wanted - done));
                readFully(fragments.get(i), buffer, plan, i, done);
                writeFully(out, buffer.flip(), plan, -1);
            }
        }
    }

    /** Output that cannot seek: rebuild into a temporary file, then copy it out in order. */
    private void spoolAndCopy(FragmentPlan plan, List<? extends ReadableByteChannel> fragments, boolean[] present,
            int[] chosen, WritableByteChannel out) throws IOException {
        Path spool = Files.createTempFile("tesseras-decode-", ".tmp");
        LOG.debug("Decoding {} through spool file {} (the output cannot seek)", plan.tesseraHash(), spool);
        try (FileChannel file = FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            rebuild(plan, fragments, present, chosen, file, 0);
            for (long done = 0; done < plan.tesseraSize();) {
                long sent = file.transferTo(done, plan.tesseraSize() - done, out);
                if (sent <= 0) {
                    throw new IOException("output of " + plan.tesseraHash() + " accepted no bytes at " + done);
                }
                done += sent;
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** Reads the chosen fragments in step, rebuilds the missing data shards and writes data at its offsets. */
    private void rebuild(FragmentPlan plan, List<? extends ReadableByteChannel> fragments, boolean[] present,
            int[] chosen, SeekableByteChannel target, long base) throws IOException {
        int total = plan.totalShards();
        int k = plan.dataShards();
        long shardSize = plan.shardSize();
        int slice = (int) Math.min(sliceBytes, shardSize);
        BitSet missingData = new BitSet();
        for (int i = 0; i < k; i++) {
            if (!present[i]) {
                missingData.set(i);
            }
        }
        boolean[] used = new boolean[total];
        byte[][] shards = new byte[total][];
        for (int index : chosen) {
            used[index] = true;
            shards[index] = new byte[slice];
        }
        for (int i = missingData.nextSetBit(0); i >= 0; i = missingData.nextSetBit(i + 1)) {
            shards[i] = new byte[slice];
        }
        for (long done = 0; done < shardSize; done += slice) {
            int n = (int) Math.min(slice, shardSize - done);
            for (int index : chosen) {
                readFully(fragments.get(index), ByteBuffer.wrap(shards[index], 0, n), plan, index, done);
            }
            codec.rebuild(k, plan.parityShards(), shards, used, missingData, 0, n);
            for (int i = 0; i < k; i++) {
                long start = i * shardSize + done;
                int length = (int) Math.max(0, Math.min(n, plan.tesseraSize() - start));
                if (length > 0) {
                    target.position(base + start);
                    writeFully(target, ByteBuffer.wrap(shards[i], 0, length), plan, -1);
                }
            }
        }
    }

    /**
     * Hashes the first {@code n} bytes of every shard into its hash and writes them to its sink, the fragments
     * spread over the workers: writing into the page cache is most of an owner's encoding (the kernel copies every
     * byte into pages it may first have to get from the host), and on one thread it left the other cores idle.
     * Each sink is written by one thread at a time and in order, as all of a slice's tasks end before the next
     * slice is read; a failing sink is named, and no fragment goes on past that slice.
     */
    private void hashAndWriteAll(FragmentPlan plan, List<? extends WritableByteChannel> sinks, byte[][] shards,
            IncrementalHash[] hashes, int n) throws IOException {
        IntConsumer hashAndWrite = i -> {
            hashes[i].update(shards[i], 0, n);
            try {
                writeFully(sinks.get(i), ByteBuffer.wrap(shards[i], 0, n), plan, i);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            if ((long) n * shards.length < MIN_SPREAD_BYTES) {
                for (int i = 0; i < shards.length; i++) {
                    hashAndWrite.accept(i);
                }
            } else {
                spreader.run(shards.length, hashAndWrite);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Reads {@code n} bytes of data from tessera offset {@code position}, zeros past the tessera's end. */
    private static void readAt(FragmentPlan plan, SeekableByteChannel source, long position, byte[] into, int n)
            throws IOException {
        int real = (int) Math.max(0, Math.min(n, plan.tesseraSize() - position));
        if (real > 0) {
            source.position(position);
            ByteBuffer buffer = ByteBuffer.wrap(into, 0, real);
            while (buffer.hasRemaining()) {
                if (source.read(buffer) < 0) {
                    throw new EOFException("tessera " + plan.tesseraHash() + " ended at " + (position
                            + buffer.position()) + " bytes, its plan says " + plan.tesseraSize());
                }
            }
        }
        Arrays.fill(into, real, n, (byte) 0);
    }

    private static void readFully(ReadableByteChannel channel, ByteBuffer buffer, FragmentPlan plan, int index,
            long done) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("fragment " + index + " of " + plan.tesseraHash() + " ended after "
                        + (done + buffer.position()) + " of " + plan.shardSize() + " bytes");
            }
        }
    }

    /** Writes all of {@code buffer} to a blocking channel; a failure names fragment {@code index} (-1: the tessera). */
    private static void writeFully(WritableByteChannel channel, ByteBuffer buffer, FragmentPlan plan, int index)
            throws IOException {
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            String what = index < 0 ? "tessera " + plan.tesseraHash() : "fragment " + index + " of "
                    + plan.tesseraHash();
            throw new IOException("cannot write " + what + ": " + e.getMessage(), e);
        }
    }
}
