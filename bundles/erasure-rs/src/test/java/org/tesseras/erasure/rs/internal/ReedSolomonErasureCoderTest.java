package org.tesseras.erasure.rs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;

class ReedSolomonErasureCoderTest {
    private static final ContentHash HASH = ContentHash.of("ab".repeat(32));
    private final Hasher hasher = new Blake3Hasher();
    private ReedSolomonErasureCoder coder;

    @TempDir
    Path dir;

    @BeforeEach
    void activate() {
        coder = new ReedSolomonErasureCoder(hasher, 2, 4096);
    }

    @AfterEach
    void deactivate() throws InterruptedException {
        coder.deactivate();
        assertTrue(coder.isStopped());
    }

    private static FragmentPlan plan(long size, int k, int m) {
        FragmentationTier tier = m == 0 ? FragmentationTier.SMALL : k >= 48 ? FragmentationTier.LARGE
                : FragmentationTier.MEDIUM;
        return FragmentPlan.of(HASH, size, tier, k, m, 7);
    }

    private Path tessera(long size, long seed) throws IOException {
        byte[] bytes = new byte[(int) size];
        new Random(seed).nextBytes(bytes);
        Path file = dir.resolve("tessera-" + size + "-" + seed);
        Files.write(file, bytes);
        return file;
    }

    /** The fragments as the plan defines them, computed in memory with the array API. */
    private byte[][] expectedFragments(FragmentPlan plan, byte[] tessera) {
        int shardSize = (int) plan.shardSize();
        byte[][] shards = new byte[plan.totalShards()][shardSize];
        for (int i = 0; i < plan.dataShards(); i++) {
            int from = Math.min(tessera.length, i * shardSize);
            int to = Math.min(tessera.length, from + shardSize);
            System.arraycopy(tessera, from, shards[i], 0, to - from);
        }
        ReedSolomonCodecTest.referenceParity(plan.dataShards(), plan.parityShards(), shards, 0, shardSize);
        return shards;
    }

    private byte[][] encode(FragmentPlan plan, Path file, List<ContentHash> checksumsOut) throws IOException {
        List<ByteArrayOutputStream> outs = new ArrayList<>();
        List<WritableByteChannel> sinks = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            outs.add(out);
            sinks.add(Channels.newChannel(out));
        }
        try (SeekableByteChannel source = Files.newByteChannel(file)) {
            checksumsOut.addAll(coder.encode(plan, source, sinks));
        }
        byte[][] fragments = new byte[outs.size()][];
        for (int i = 0; i < outs.size(); i++) {
            fragments[i] = outs.get(i).toByteArray();
        }
        return fragments;
    }

    @Test
    void streamingEncodeWritesTheFragmentsAndTheirChecksums() throws IOException {
        long[][] cases = {{0, 16, 8}, {1, 16, 8}, {17, 16, 8}, {4097, 4, 2}, {100_003, 16, 8}, {4 * 4096 * 16 + 5,
            16, 8}, {300_001, 48, 24}, {12_345, 1, 0}};
        for (long[] c : cases) {
            FragmentPlan plan = plan(c[0], (int) c[1], (int) c[2]);
            Path file = tessera(c[0], c[0]);
            byte[] tessera = Files.readAllBytes(file);
            List<ContentHash> checksums = new ArrayList<>();
            byte[][] fragments = encode(plan, file, checksums);
            byte[][] expected = expectedFragments(plan, tessera);
            assertEquals(plan.totalShards(), checksums.size());
            for (int i = 0; i < plan.totalShards(); i++) {
                assertEquals(plan.shardSize(), fragments[i].length, "fragment " + i + " of " + plan);
                assertArrayEquals(expected[i], fragments[i], "fragment " + i + " of " + plan);
                assertEquals(hasher.hash(fragments[i]), checksums.get(i), "checksum of fragment " + i + " of " + plan);
            }
        }
    }

    @Test
    void theFragmentsAreWrittenOnTheWorkersTooEachSinkByOneThreadAtATimeAndInOrder() throws IOException {
        FragmentPlan plan = plan(16 * 4096 * 8, 16, 8);
        Path file = tessera(plan.tesseraSize(), 13);
        byte[][] expected = expectedFragments(plan, Files.readAllBytes(file));
        Set<String> writers = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        List<ByteArrayOutputStream> outs = new ArrayList<>();
        List<WritableByteChannel> sinks = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            outs.add(out);
            WritableByteChannel channel = Channels.newChannel(out);
            AtomicBoolean busy = new AtomicBoolean();
            // a slow disk: each write takes a moment, so a worker is free to take the next fragment meanwhile
            sinks.add(new WritableByteChannel() {
                @Override
                public int write(ByteBuffer source) throws IOException {
                    if (!busy.compareAndSet(false, true)) {
                        overlaps.incrementAndGet();
                    }
                    try {
                        writers.add(Thread.currentThread().getName());
                        Thread.sleep(2);
                        return channel.write(source);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException();
                    } finally {
                        busy.set(false);
                    }
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            });
        }
        List<ContentHash> checksums;
        try (SeekableByteChannel source = Files.newByteChannel(file)) {
            checksums = coder.encode(plan, source, sinks);
        }
        assertTrue(writers.contains(Thread.currentThread().getName()), "the caller writes: " + writers);
        assertTrue(writers.stream().anyMatch(name -> name.startsWith("tesseras-erasure-")), "so do the workers: "
                + writers);
        assertEquals(0, overlaps.get(), "no sink was written by two threads at once");
        for (int i = 0; i < plan.totalShards(); i++) {
            assertArrayEquals(expected[i], outs.get(i).toByteArray(), "fragment " + i + ", its slices in order");
            assertEquals(hasher.hash(expected[i]), checksums.get(i), "checksum of fragment " + i);
        }
    }

    @Test
    void aSinkThatFailsIsAnErrorNamingItsFragmentAndTheOthersStopWithIt() throws IOException {
        FragmentPlan plan = plan(4 * 4096 * 16 + 5, 16, 8);
        Path file = tessera(plan.tesseraSize(), 12);
        List<ByteArrayOutputStream> outs = new ArrayList<>();
        List<WritableByteChannel> sinks = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            outs.add(new ByteArrayOutputStream());
            sinks.add(Channels.newChannel(outs.get(i)));
        }
        // the sink of parity fragment 20 takes its first slice, then the disk is full
        WritableByteChannel healthy = sinks.get(20);
        sinks.set(20, new WritableByteChannel() {
            private int writes;

            @Override
            public int write(ByteBuffer source) throws IOException {
                if (writes++ > 0) {
                    throw new IOException("No space left on device");
                }
                return healthy.write(source);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        });
        try (SeekableByteChannel source = Files.newByteChannel(file)) {
            IOException e = assertThrows(IOException.class, () -> coder.encode(plan, source, sinks));
            assertTrue(e.getMessage().contains("fragment 20 of " + HASH) && e.getMessage().contains("No space left"),
                    e.getMessage());
        }
        for (int i = 0; i < plan.totalShards(); i++) {
            assertTrue(outs.get(i).size() <= 2 * 4096, "fragment " + i + " went on after the failure: "
                    + outs.get(i).size() + " bytes");
        }
    }

    @Test
    void aSmallPlanIsAPlainCopy() throws IOException {
        Path file = tessera(70_000, 1);
        List<ContentHash> checksums = new ArrayList<>();
        byte[][] fragments = encode(plan(70_000, 1, 0), file, checksums);
        assertArrayEquals(Files.readAllBytes(file), fragments[0]);
        assertEquals(List.of(hasher.hash(Files.readAllBytes(file))), checksums);
    }

    @Test
    void decodeRebuildsTheTesseraFromAnyDataShardsFragments() throws IOException {
        long[][] cases = {{1, 16, 8}, {17, 16, 8}, {4097, 4, 2}, {100_003, 16, 8}, {300_001, 48, 24}, {9_999, 1, 0}};
        Random random = new Random(99);
        for (long[] c : cases) {
            FragmentPlan plan = plan(c[0], (int) c[1], (int) c[2]);
            Path file = tessera(c[0], c[0] + 1);
            byte[] tessera = Files.readAllBytes(file);
            byte[][] fragments = encode(plan, file, new ArrayList<>());
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < plan.totalShards(); i++) {
                order.add(i);
            }
            for (int lost = 0; lost <= plan.parityShards(); lost += Math.max(1, plan.parityShards() / 2)) {
                Collections.shuffle(order, random);
                boolean[] missing = new boolean[plan.totalShards()];
                for (int i = 0; i < lost; i++) {
                    missing[order.get(i)] = true;
                }
                String what = plan + " with " + Arrays.toString(missing) + " missing";
                assertArrayEquals(tessera, decodeToStream(plan, fragments, missing), what + " to a stream");
                assertArrayEquals(tessera, decodeToFile(plan, fragments, missing), what + " to a file");
            }
        }
    }

    private static List<ReadableByteChannel> channels(byte[][] fragments, boolean[] missing) {
        List<ReadableByteChannel> channels = new ArrayList<>();
        for (int i = 0; i < fragments.length; i++) {
            channels.add(missing[i] ? null : Channels.newChannel(new ByteArrayInputStream(fragments[i])));
        }
        return channels;
    }

    private byte[] decodeToStream(FragmentPlan plan, byte[][] fragments, boolean[] missing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        coder.decode(plan, channels(fragments, missing), Channels.newChannel(out));
        return out.toByteArray();
    }

    private byte[] decodeToFile(FragmentPlan plan, byte[][] fragments, boolean[] missing) throws IOException {
        Path out = dir.resolve("decoded");
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {42, 43}));
            coder.decode(plan, channels(fragments, missing), channel);
            assertEquals(2 + plan.tesseraSize(), channel.position(), "position after the tessera");
        }
        byte[] written = Files.readAllBytes(out);
        assertEquals(42, written[0], "bytes before the start position are kept");
        return Arrays.copyOfRange(written, 2, written.length);
    }

    @Test
    void decodeRefusesTooFewFragments() throws IOException {
        FragmentPlan plan = plan(50_000, 16, 8);
        byte[][] fragments = encode(plan, tessera(50_000, 5), new ArrayList<>());
        boolean[] missing = new boolean[24];
        for (int i = 0; i < 9; i++) {
            missing[i] = true;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> coder.decode(plan, channels(fragments, missing), Channels.newChannel(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("15 fragments present, 16 needed"), e.getMessage());
    }

    @Test
    void aShortFragmentIsAnErrorNamingIt() throws IOException {
        FragmentPlan plan = plan(50_000, 4, 2);
        byte[][] fragments = encode(plan, tessera(50_000, 6), new ArrayList<>());
        fragments[3] = Arrays.copyOf(fragments[3], fragments[3].length - 1);
        boolean[] missing = {true, false, false, false, false, false};
        EOFException e = assertThrows(EOFException.class, () -> decodeToStream(plan, fragments, missing));
        assertTrue(e.getMessage().contains("fragment 3 of " + HASH), e.getMessage());
    }

    @Test
    void aSourceShorterThanThePlanIsRefused() throws IOException {
        Path file = tessera(1000, 2);
        EOFException e = assertThrows(EOFException.class, () -> encode(plan(1001, 4, 2), file, new ArrayList<>()));
        assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
    }

    @Test
    void theWrongNumberOfSinksIsRefused() throws IOException {
        Path file = tessera(1000, 3);
        try (SeekableByteChannel source = Files.newByteChannel(file)) {
            assertThrows(IllegalArgumentException.class, () -> coder.encode(plan(1000, 4, 2), source,
                    List.of(Channels.newChannel(new ByteArrayOutputStream()))));
        }
    }

    @Test
    void activationReadsTheConfigurationAndDeactivationStopsTheWorkers() throws InterruptedException {
        ReedSolomonErasureCoder configured = new ReedSolomonErasureCoder(hasher, configuration(Map.of("threads", 3)));
        byte[][] shards = ReedSolomonCodecTest.randomStripe(new Random(4), 16, 8, 1 << 20);
        configured.encodeParity(16, 8, shards, 0, 1 << 20);
        assertTrue(configured.isParityCorrect(16, 8, shards, 0, 1 << 20));
        assertFalse(configured.isStopped());
        configured.deactivate();
        assertTrue(configured.isStopped());
        assertThrows(IllegalArgumentException.class,
                () -> new ReedSolomonErasureCoder(hasher, configuration(Map.of("streamSliceBytes", 100))));
    }

    /** The configuration DS would pass: the given values, defaults for the rest. */
    private static ErasureCoderConfiguration configuration(Map<String, Object> values) {
        return (ErasureCoderConfiguration) Proxy.newProxyInstance(ErasureCoderConfiguration.class.getClassLoader(),
                new Class<?>[] {ErasureCoderConfiguration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return ErasureCoderConfiguration.class;
                    }
                    Object value = values.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }
}
