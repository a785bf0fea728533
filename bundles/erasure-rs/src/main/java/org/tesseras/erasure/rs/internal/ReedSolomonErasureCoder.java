package org.tesseras.erasure.rs.internal;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.Hasher;

/**
 * The {@link ErasureCoder} service: Reed-Solomon over GF(2^8), byte-identical to Backblaze JavaReedSolomon,
 * with worker threads (created on activation, stopped on deactivation) for wide stripes.
 */
@Component(service = ErasureCoder.class, configurationPid = ErasureCoderConfiguration.PID)
@Designate(ocd = ErasureCoderConfiguration.class)
public final class ReedSolomonErasureCoder implements ErasureCoder {
    /**
     * Reed-Solomon over GF(2^8) (polynomial 0x11D, generator 2) with Backblaze's systematic matrix; version 1 of
     * the fragment layout (shard size ceil(size / data), the last data shard zero-padded).
     */
    static final String CODEC_ID = "reed-solomon-gf256/1";
    /** Default bytes of each fragment handled at a time by streaming encode and decode. */
    static final int DEFAULT_STREAM_SLICE_BYTES = 64 * 1024;
    /** Bytes of each shard the XOR kernel works on at a time, sized for the L2 cache. */
    static final int CACHE_SLICE_BYTES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(ReedSolomonErasureCoder.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    private final ExecutorService workers;
    private final ReedSolomonCodec codec;
    private final TesseraStreams streams;

    /** Activates with the configured thread count and streaming slice. */
    @Activate
    public ReedSolomonErasureCoder(@Reference Hasher hasher, ErasureCoderConfiguration config) {
        this(hasher, checkThreads(config.threads()), checkSlice(config.streamSliceBytes()));
    }

    /** A coder using {@code threads} threads in all (the caller's included) and the given streaming slice. */
    ReedSolomonErasureCoder(Hasher hasher, int threads, int streamSliceBytes) {
        int effectiveThreads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.workers = effectiveThreads > 1 ? Executors.newFixedThreadPool(effectiveThreads - 1, new WorkerThreads())
                : null;
        this.codec = new ReedSolomonCodec(workers, effectiveThreads, CACHE_SLICE_BYTES);
        this.streams = new TesseraStreams(codec, hasher, workers, effectiveThreads, streamSliceBytes);
        LOG.info("Reed-Solomon erasure coder active: {} thread(s), streaming slice {} bytes", effectiveThreads,
                streamSliceBytes);
    }

    /** Stops the worker threads; calls still running finish on their callers' threads. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        if (workers == null) {
            return;
        }
        workers.shutdown();
        if (!workers.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warn("Erasure coder worker threads still busy after {} s; interrupting them", SHUTDOWN_WAIT_SECONDS);
            workers.shutdownNow();
        }
    }

    /** Whether the worker threads are gone, for tests of the teardown path. */
    boolean isStopped() {
        return workers == null || workers.isTerminated();
    }

    private static int checkThreads(int threads) {
        if (threads < 0 || threads > FragmentPlan.MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException(ErasureCoderConfiguration.PID + " threads must be 0.."
                    + FragmentPlan.MAX_TOTAL_SHARDS + ", got " + threads);
        }
        return threads;
    }

    private static int checkSlice(int sliceBytes) {
        if (sliceBytes < 4096 || sliceBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException(ErasureCoderConfiguration.PID
                    + " streamSliceBytes must be 4096..16777216, got " + sliceBytes);
        }
        return sliceBytes;
    }

    @Override
    public String codecId() {
        return CODEC_ID;
    }

    @Override
    public void encodeParity(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount) {
        codec.encodeParity(dataShards, parityShards, shards, offset, byteCount);
    }

    @Override
    public void decodeMissing(int dataShards, int parityShards, byte[][] shards, boolean[] present, int offset,
            int byteCount) {
        codec.decodeMissing(dataShards, parityShards, shards, present, offset, byteCount);
    }

    @Override
    public boolean isParityCorrect(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount) {
        return codec.isParityCorrect(dataShards, parityShards, shards, offset, byteCount);
    }

    @Override
    public List<ContentHash> encode(FragmentPlan plan, SeekableByteChannel source,
            List<? extends WritableByteChannel> sinks) throws IOException {
        return streams.encode(plan, source, sinks);
    }

    @Override
    public void decode(FragmentPlan plan, List<? extends ReadableByteChannel> fragments, WritableByteChannel out)
            throws IOException {
        streams.decode(plan, fragments, out);
    }

    /** Daemon worker threads named after the coder. */
    private static final class WorkerThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "tesseras-erasure-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
