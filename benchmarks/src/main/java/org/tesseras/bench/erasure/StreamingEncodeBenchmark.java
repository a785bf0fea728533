package org.tesseras.bench.erasure;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.erasure.rs.internal.ReedSolomonErasureCoder;

/**
 * Streaming encode of a sparse 1 GiB tessera (48+24) through counting sinks, in a 32 MiB heap. Prints the
 * largest heap still in use right after a garbage collection (the live data, whatever the garbage) and the
 * peak including garbage. Run with {@code -prof gc} to see the bytes allocated per encode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx32m", "-Xms32m"})
public class StreamingEncodeBenchmark {

    @Param({"1073741824"})
    long tesseraBytes;

    private final AtomicLong liveAfterGc = new AtomicLong();
    private long idleHeapBytes;
    private final Set<String> heapPools = new HashSet<>();
    private Path file;
    private ReedSolomonErasureCoder coder;
    private FragmentPlan plan;

    @Setup(Level.Trial)
    public void createSparseFile() throws IOException {
        file = Files.createTempFile("tesseras-bench-", ".tessera");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(tesseraBytes);
        }
        coder = new ReedSolomonErasureCoder(new Blake3Hasher(), CoderConfiguration.withThreads(0));
        plan = FragmentPlan.of(new ContentHash(new byte[32]), tesseraBytes, FragmentationTier.LARGE, 48, 24, 7);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                            .getGcInfo();
                    long used = 0;
                    for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(pool.getKey())) {
                            used += pool.getValue().getUsed();
                        }
                    }
                    liveAfterGc.accumulateAndGet(used, Math::max);
                }
            }, null, null);
        }
    }

    @Setup(Level.Iteration)
    public void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        liveAfterGc.set(0);
        idleHeapBytes = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @TearDown(Level.Iteration)
    public void reportPeaks() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%n  encode of %d bytes, heap max %.0f MiB: in use before %.1f MiB, largest in use after a "
                + "GC during the encode %.1f MiB, peak including garbage %.1f MiB%n", tesseraBytes,
                Runtime.getRuntime().maxMemory() / 1048576.0, idleHeapBytes / 1048576.0, liveAfterGc.get() / 1048576.0,
                peak / 1048576.0);
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException, InterruptedException {
        coder.deactivate();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long encode() throws IOException {
        List<CountingSink> sinks = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            sinks.add(new CountingSink());
        }
        try (FileChannel source = FileChannel.open(file)) {
            List<ContentHash> checksums = coder.encode(plan, source, sinks);
            long total = 0;
            for (CountingSink sink : sinks) {
                total += sink.bytes;
            }
            if (total != plan.storedBytes() || checksums.size() != plan.totalShards()) {
                throw new IllegalStateException("wrote " + total + " bytes, expected " + plan.storedBytes());
            }
            return total;
        }
    }

    /** A sink that only counts what it is given. */
    private static final class CountingSink implements WritableByteChannel {
        long bytes;

        @Override
        public int write(ByteBuffer source) {
            int n = source.remaining();
            source.position(source.limit());
            bytes += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
