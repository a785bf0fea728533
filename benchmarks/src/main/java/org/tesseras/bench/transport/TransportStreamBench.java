package org.tesseras.bench.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.PushHandler;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.FileNodeIdentity;
import org.tesseras.crypto.internal.IdentityConfiguration;
import org.tesseras.crypto.internal.PowIdentityVerifier;
import org.tesseras.transport.netty.internal.NettyTransport;
import org.tesseras.transport.netty.internal.TransportConfiguration;

/**
 * Pushes fragments between two real Netty transports over TLS 1.3 on 127.0.0.1 and reports the
 * throughput and the memory the transfer needed: one stream of {@code singleMiB}, the same with a
 * BLAKE3 check at the receiver (as a store does), and {@code streams} concurrent streams of
 * {@code streamMiB} each. Run with a small heap to show that memory does not grow with the size:
 * {@code java -Xmx64m -cp benchmarks/target/benchmarks.jar org.tesseras.bench.transport.TransportStreamBench
 * [singleMiB=100] [streams=4] [streamMiB=256] [chunkKiB=256]}.
 */
public final class TransportStreamBench {
    private static final long MIB = 1024 * 1024;
    private static final Hasher HASHER = new Blake3Hasher();
    private static int chunkBytes;

    private TransportStreamBench() {
    }

    /** Runs the scenarios and prints one line per measurement. */
    public static void main(String[] args) throws Exception {
        long singleMiB = args.length > 0 ? Long.parseLong(args[0]) : 100;
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long streamMiB = args.length > 2 ? Long.parseLong(args[2]) : 256;
        chunkBytes = args.length > 3 ? Integer.parseInt(args[3]) * 1024 : 256 * 1024;
        Path dir = Files.createTempDirectory("transport-bench");
        NettyTransport a = transport(identity(dir, "a.key"));
        NettyTransport b = transport(identity(dir, "b.key"));
        Receiver receiver = new Receiver();
        b.setPushHandler(receiver);
        b.addRequestHandler((sender, request) -> new Message.Pong(), List.of("Ping"));
        Contact to = new Contact(b.localNode().id(), new InetSocketAddress("127.0.0.1",
                b.localNode().address().getPort()));
        MemoryPeaks peaks = new MemoryPeaks();
        try {
            System.out.printf("JVM: %s, max heap %d MiB, chunks of %d KiB, %d cores, load average %.2f%n",
                    System.getProperty("java.vm.version"), Runtime.getRuntime().maxMemory() / MIB, chunkBytes / 1024,
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            long connectStart = System.nanoTime();
            a.request(to, new Message.Ping()).get(30, TimeUnit.SECONDS);
            System.out.printf("first request (connect, TLS, Hello, ping): %.1f ms%n",
                    (System.nanoTime() - connectStart) / 1e6);
            long pingStart = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                a.request(to, new Message.Ping()).get(30, TimeUnit.SECONDS);
            }
            System.out.printf("ping round trip on an open connection: %.2f ms%n",
                    (System.nanoTime() - pingStart) / 1e6 / 100);
            long smallStart = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                push(a, to, 1024, 1000 + i, false);
            }
            System.out.printf("push of a 1 KiB fragment: %.2f ms%n", (System.nanoTime() - smallStart) / 1e6 / 20);
            for (int i = 0; i < 3; i++) {
                push(a, to, 16 * MIB, i, false);
            }
            peaks.start();
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                double rate = push(a, to, singleMiB * MIB, 10 + i, false);
                rates.add(rate);
                System.out.printf("1 stream of %d MiB, receiver counts bytes: %.1f MB/s%n", singleMiB, rate);
            }
            rates.sort(Comparator.naturalOrder());
            System.out.printf("1 stream of %d MiB: median %.1f MB/s, best %.1f MB/s%n", singleMiB, rates.get(1),
                    rates.get(2));
            peaks.report("single streams", b);
            receiver.verify = true;
            System.out.printf("1 stream of %d MiB, receiver checks BLAKE3: %.1f MB/s%n", singleMiB,
                    push(a, to, singleMiB * MIB, 20, true));
            receiver.verify = false;
            peaks.report("checked stream", b);
            long start = System.nanoTime();
            List<CompletableFuture<ReplicateAck>> acks = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                acks.add(a.sendFragment(to, envelope(streamMiB * MIB, 30 + i, false)));
            }
            for (CompletableFuture<ReplicateAck> ack : acks) {
                if (!ack.get(10, TimeUnit.MINUTES).accepted()) {
                    throw new IllegalStateException("refused: " + ack.join());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d concurrent streams of %d MiB (%d MiB in all): %.1f MB/s together%n", streams,
                    streamMiB, streams * streamMiB, streams * streamMiB * MIB / 1e6 / seconds);
            peaks.report("concurrent streams", b);
            peaks.stop();
        } finally {
            a.deactivate();
            b.deactivate();
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static double push(NettyTransport from, Contact to, long length, long seed, boolean checksum)
            throws Exception {
        FragmentEnvelope envelope = envelope(length, seed, checksum);
        long start = System.nanoTime();
        ReplicateAck ack = from.sendFragment(to, envelope).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!ack.accepted()) {
            throw new IllegalStateException("refused: " + ack);
        }
        return length / 1e6 / seconds;
    }

    /** A SMALL fragment of {@code length} bytes repeating a random 1 MiB block; its checksum only if asked. */
    private static FragmentEnvelope envelope(long length, long seed, boolean checksum) throws IOException {
        ContentHash hash;
        if (checksum) {
            try (InputStream in = new RepeatingStream(length, seed)) {
                hash = HASHER.hash(in);
            }
        } else {
            byte[] fake = new byte[32];
            new SplittableRandom(seed).nextBytes(fake);
            hash = new ContentHash(fake);
        }
        FragmentPlan plan = FragmentPlan.of(hash, length, FragmentationTier.SMALL, 1, 0, 7);
        return new FragmentEnvelope(new FragmentId(hash, 0, 1, hash), TestManifests.unsigned(plan), () -> new RepeatingStream(length, seed));
    }

    private static NettyTransport transport(NodeIdentity identity) {
        return new NettyTransport(identity, new PowIdentityVerifier(HASHER, identityConfig(Path.of("unused"))),
                annotation(TransportConfiguration.class, Map.of("listenHost", "127.0.0.1", "listenPort", 0,
                        "chunkBytes", chunkBytes)));
    }

    private static NodeIdentity identity(Path dir, String file) {
        return FileNodeIdentity.minted(HASHER, identityConfig(dir.resolve(file)));
    }

    private static IdentityConfiguration identityConfig(Path keyFile) {
        return annotation(IdentityConfiguration.class, Map.of("powDifficulty", 8, "keyFile", keyFile.toString()));
    }

    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A annotation(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "annotationType" -> type;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName() + values;
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    /** Lets every push in and reads it to the end, counting, or checking its BLAKE3 when {@code verify}. */
    private static final class Receiver implements PushHandler {
        volatile boolean verify;

        @Override
        public Optional<ReplicateAck> judge(NodeInfo sender, FragmentId id, TesseraManifest manifest) {
            return Optional.empty();
        }

        @Override
        public ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
            long bytes;
            boolean intact;
            try (InputStream in = envelope.content().open()) {
                if (verify) {
                    Hasher.Hashed hashed = HASHER.hash(Channels.newChannel(in));
                    bytes = hashed.length();
                    intact = hashed.checksum().equals(envelope.id().checksum());
                } else {
                    bytes = in.transferTo(OutputStream.nullOutputStream());
                    intact = true;
                }
            } catch (IOException e) {
                return ReplicateAck.refused(RefusalReason.CHECKSUM, e.getMessage(), List.of());
            }
            return intact && bytes == envelope.length() ? ReplicateAck.accepted(List.of(0))
                    : ReplicateAck.refused(RefusalReason.CHECKSUM, "mismatch after " + bytes + " bytes", List.of());
        }
    }

    /** {@code length} bytes repeating one random 1 MiB block, generated as read. */
    private static final class RepeatingStream extends InputStream {
        private final byte[] block = new byte[(int) MIB];
        private final long length;
        private long position;

        RepeatingStream(long length, long seed) {
            this.length = length;
            new SplittableRandom(seed).nextBytes(block);
        }

        @Override
        public int read() {
            return position < length ? block[(int) (position++ % MIB)] & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int at = (int) (position % MIB);
            int n = (int) Math.min(Math.min(count, MIB - at), length - position);
            System.arraycopy(block, at, target, offset, n);
            position += n;
            return n;
        }
    }

    /** Samples heap and direct memory every few milliseconds, keeping the peaks. */
    private static final class MemoryPeaks {
        final AtomicLong heap = new AtomicLong();
        final AtomicLong directInUse = new AtomicLong();
        final AtomicLong directReserved = new AtomicLong();
        final AtomicLong jdkDirect = new AtomicLong();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        long gcAtStart;
        private volatile boolean running;
        private Thread sampler;

        void start() {
            gcAtStart = gcCount();
            running = true;
            sampler = new Thread(() -> {
                while (running) {
                    PooledByteBufAllocatorMetric metric = PooledByteBufAllocator.DEFAULT.metric();
                    long active = 0;
                    for (PoolArenaMetric arena : metric.directArenas()) {
                        for (PoolChunkListMetric list : arena.chunkLists()) {
                            for (PoolChunkMetric chunk : list) {
                                active += chunk.chunkSize() - chunk.freeBytes();
                            }
                        }
                    }
                    directInUse.accumulateAndGet(active, Math::max);
                    directReserved.accumulateAndGet(metric.usedDirectMemory(), Math::max);
                    heap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    jdkDirect.accumulateAndGet(directPool.getMemoryUsed(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** Prints the peaks since the last report (both nodes of the run together) and starts over. */
        void report(String scenario, NettyTransport receiver) {
            System.out.printf("  peaks, %s: pooled direct buffers in use %d KiB (arena chunks reserved %d KiB), "
                    + "JDK direct buffers %d KiB, receiver queue %d KiB per stream, heap used %d MiB of %d MiB "
                    + "(includes garbage), %d GCs%n", scenario, directInUse.getAndSet(0) / 1024,
                    directReserved.getAndSet(0) / 1024, jdkDirect.getAndSet(0) / 1024,
                    receiver.peakQueuedBytes() / 1024, heap.getAndSet(0) / MIB, Runtime.getRuntime().maxMemory() / MIB,
                    gcCount() - gcAtStart);
            gcAtStart = gcCount();
        }

        void stop() throws InterruptedException {
            running = false;
            sampler.join();
        }
    }
}
