package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.port.FragmentIntegrityException;

/** Data shards written to and read from their places in a real file. */
class ShardRegionTest {
    /** 4 data shards of 25 bytes: the last holds 23 bytes of the tessera and 2 of padding. */
    private static final FragmentPlan PLAN = FragmentPlan.of(new ContentHash(new byte[32]), 98,
            FragmentationTier.MEDIUM, 4, 2, 3);
    private static final int SHARD = 25;

    @TempDir
    Path dir;

    @Test
    void eachShardGoesToItsOffsetAndTheLastOnesPaddingIsDropped() throws IOException {
        byte[] tessera = random(98);
        try (FileChannel file = open()) {
            for (int index = 3; index >= 0; index--) {
                try (ShardRegion.Writer writer = ShardRegion.of(file, PLAN, index).writer()) {
                    ByteBuffer shard = ByteBuffer.wrap(shard(tessera, index));
                    // in pieces that straddle the tessera's end
                    while (shard.hasRemaining()) {
                        ByteBuffer piece = shard.slice().limit(Math.min(7, shard.remaining()));
                        assertEquals(piece.remaining(), writer.write(piece));
                        shard.position(shard.position() + piece.limit());
                    }
                }
            }
            assertEquals(98, file.size());
        }
        assertArrayEquals(tessera, Files.readAllBytes(dir.resolve("out")));
    }

    @Test
    void aShardIsReadBackWithItsPaddingAsZeros() throws IOException {
        byte[] tessera = random(98);
        Files.write(dir.resolve("out"), tessera);
        try (FileChannel file = FileChannel.open(dir.resolve("out"), StandardOpenOption.READ)) {
            for (int index = 0; index < 4; index++) {
                ReadableByteChannel reader = ShardRegion.of(file, PLAN, index).reader();
                ByteBuffer read = ByteBuffer.allocate(40);
                while (reader.read(read) >= 0) {
                    // in whatever pieces the reader gives
                }
                assertArrayEquals(shard(tessera, index), Arrays.copyOf(read.array(), read.position()), "shard " + index);
            }
        }
    }

    @Test
    void moreThanAShardsBytesAndWritesAfterClosingAreRefused() throws IOException {
        try (FileChannel file = open()) {
            ShardRegion.Writer writer = ShardRegion.of(file, PLAN, 1).writer();
            writer.write(ByteBuffer.allocate(20));
            FragmentIntegrityException tooLong = assertThrows(FragmentIntegrityException.class,
                    () -> writer.write(ByteBuffer.allocate(7)));
            assertEquals(PLAN.tesseraHash() + "/1 is longer than its 25 bytes", tooLong.getMessage());
            writer.close();
            assertThrows(ClosedChannelException.class, () -> writer.write(ByteBuffer.allocate(1)));
            assertEquals(SHARD + 20, file.size(), "the refused bytes were not written");
        }
    }

    @Test
    void copyingAShardHeldHereWritesItsBytesInsideTheTesseraOnly() throws IOException {
        byte[] tessera = random(98);
        try (FileChannel file = open()) {
            for (int index = 0; index < 4; index++) {
                ShardRegion.of(file, PLAN, index).copyFrom(Channels.newChannel(
                        new ByteArrayInputStream(shard(tessera, index))));
            }
        }
        assertArrayEquals(tessera, Files.readAllBytes(dir.resolve("out")));
    }

    @Test
    void aDecoderWritingTheWholeTesseraThroughTheSkippingViewLeavesThePlacedShardsAsTheyAre() throws IOException {
        byte[] placed = random(98);
        byte[] decoded = random(98);
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = (byte) ~placed[i];
        }
        try (FileChannel file = open()) {
            for (int index : new int[] {1, 3}) {
                ShardRegion.of(file, PLAN, index).copyFrom(Channels.newChannel(
                        new ByteArrayInputStream(shard(placed, index))));
            }
            SeekableByteChannel view = ShardRegion.skippingPlaced(file, PLAN, Set.of(1, 3));
            // out of order and in pieces that straddle the places, as a decoder rebuilding slice by slice writes
            for (int[] piece : new int[][] {{40, 58}, {0, 40}}) {
                view.position(piece[0]);
                assertEquals(piece[1], view.write(ByteBuffer.wrap(decoded, piece[0], piece[1])));
                assertEquals(piece[0] + piece[1], view.position());
            }
            assertEquals(98, view.size());
        }
        byte[] expected = decoded.clone();
        System.arraycopy(placed, SHARD, expected, SHARD, SHARD);
        System.arraycopy(placed, 3 * SHARD, expected, 3 * SHARD, 98 - 3 * SHARD);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("out")));
    }

    @Test
    void onlyDataShardsHaveAPlace() throws IOException {
        try (FileChannel file = open()) {
            assertThrows(IllegalArgumentException.class, () -> ShardRegion.of(file, PLAN, 4));
        }
    }

    @Test
    void closingWaitsForAWriteUnderWaySoNothingOfAGivenUpFetchLandsAfterIt() throws Exception {
        // two threads of its own: the writer and the closer must run at once whatever the common pool's size
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (FileChannel file = open()) {
            PausingChannel pausing = new PausingChannel(file);
            ShardRegion.Writer writer = ShardRegion.of(pausing, PLAN, 1).writer();
            CompletableFuture<Integer> writing = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, threads);
            assertTrue(pausing.entered.await(10, TimeUnit.SECONDS), "the write reached the file");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(writer::close, threads);

            assertThrows(TimeoutException.class, () -> closing.get(300, TimeUnit.MILLISECONDS),
                    "close returned while a write was still under way");
            pausing.resume.countDown();
            closing.get(10, TimeUnit.SECONDS);
            assertEquals(5, writing.get(10, TimeUnit.SECONDS), "the write under way ended before close returned");
            assertThrows(ClosedChannelException.class, () -> writer.write(ByteBuffer.allocate(1)));
            assertEquals(SHARD + 5, file.size(), "its bytes, and nothing after them");
        } finally {
            threads.shutdownNow();
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(dir.resolve("out"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    private static byte[] shard(byte[] tessera, int index) {
        byte[] shard = new byte[SHARD];
        int from = index * SHARD;
        System.arraycopy(tessera, from, shard, 0, Math.min(SHARD, tessera.length - from));
        return shard;
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** A real file whose positional writes wait, once entered, until {@code resume} is counted down. */
    private static final class PausingChannel extends FileChannel {
        private final FileChannel file;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);

        PausingChannel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer source, long position) throws IOException {
            entered.countDown();
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            return file.write(source, position);
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return file.read(target, position);
        }

        @Override
        public int read(ByteBuffer target) throws IOException {
            return file.read(target);
        }

        @Override
        public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
            return file.read(targets, offset, length);
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            return file.write(source);
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            return file.write(sources, offset, length);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long position) throws IOException {
            file.position(position);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
            return file.transferFrom(source, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() {
            // the test closes the file itself
        }
    }
}
