package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.crypto.internal.Blake3Hasher;

/** Fragments kept for peers are written around the page cache where the disk allows it, byte for byte. */
class ShardSinkTest {
    @TempDir
    Path dir;

    @Test
    void aRealDiskTakesTheUncachedSink() throws IOException {
        // the build runs on ext4, as the nodes do
        assumeTrue(Files.getFileStore(dir).type().startsWith("ext"), "the temporary directory is not on ext4");
        assertTrue(ShardSink.writesUncached(dir), Files.getFileStore(dir).type() + " takes O_DIRECT");
    }

    @Test
    void unalignedPiecesAndAnUnalignedLengthComeBackByteForByte() throws IOException {
        // a length that is not a multiple of the block size, written in pieces that cross the buffer's end
        assumeTrue(ShardSink.writesUncached(dir), "the temporary directory does not take O_DIRECT");
        byte[] bytes = new byte[3 * ShardSink.DIRECT_BUFFER_BYTES + 12_345];
        new Random(5).nextBytes(bytes);
        Path file = Files.createFile(dir.resolve("fragment.tmp"));
        try (ShardSink sink = ShardSink.uncached(file)) {
            int[] pieces = {1, 4095, 65_536, 7, ShardSink.DIRECT_BUFFER_BYTES + 3, 100_000};
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int n = Math.min(pieces[i % pieces.length], bytes.length - at);
                ByteBuffer piece = ByteBuffer.wrap(bytes, at, n);
                sink.write(piece);
                assertFalse(piece.hasRemaining());
                at += n;
            }
            sink.finish(bytes.length);
        }
        assertArrayEquals(bytes, Files.readAllBytes(file), "the padding of the last block is cut off");
    }

    @Test
    void aShardWrittenThroughThePageCachePastSeveralSyncStepsComesBackByteForByte() throws IOException {
        // the owner's own shards: synced in the background every step while written, then once more at the end
        byte[] bytes = new byte[(int) (3 * EarlyWriteback.STEP_BYTES) + 4_321];
        new Random(13).nextBytes(bytes);
        Path file = Files.createFile(dir.resolve("fragment.tmp"));
        try (ShardSink sink = ShardSink.cached(file)) {
            assertFalse(sink.bypassesPageCache());
            int step = 1 << 20;
            for (int at = 0; at < bytes.length; at += step) {
                ByteBuffer piece = ByteBuffer.wrap(bytes, at, Math.min(step, bytes.length - at));
                sink.write(piece);
                assertFalse(piece.hasRemaining());
            }
            sink.finish(bytes.length);
        }
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void whereTheFileCannotBeOpenedUncachedTheSameBytesGoThroughThePageCache() throws IOException {
        // an option the file system refuses, as one without O_DIRECT refuses that one
        OpenOption refused = new OpenOption() {
        };
        assertComesBackThroughThePageCache(Optional.of(refused), 4096, 10_000);
    }

    @Test
    void aFileSystemWithBlocksLargerThanTheAlignmentGetsTheSameBytesThroughThePageCache() throws IOException {
        // the JDK would refuse 4 KiB-aligned O_DIRECT writes on 128 KiB blocks (ZFS records) at the first write
        assumeTrue(ShardSink.writesUncached(dir), "the temporary directory does not take O_DIRECT");
        assertComesBackThroughThePageCache(Optional.of(com.sun.nio.file.ExtendedOpenOption.DIRECT), 128 * 1024,
                ShardSink.DIRECT_BUFFER_BYTES + 10_000);
    }

    @Test
    void aBlockSizeThatCannotBeToldGetsTheSameBytesThroughThePageCache() throws IOException {
        assertComesBackThroughThePageCache(file -> ShardSink.uncached(file, () -> {
            throw new IOException("no mount entry");
        }), 10_000);
    }

    @Test
    void aStoreTellsTheBlockSizeOfItsFileSystemAndAskedAgainAnswersTheSame() throws IOException {
        ShardFiles files = new ShardFiles(dir.resolve("fragments"), new Blake3Hasher());
        long blockSize = Files.getFileStore(dir).getBlockSize();
        assertEquals(blockSize, files.blockSize());
        assertEquals(blockSize, files.blockSize());
    }

    /** Writes random bytes through a sink opened with {@code direct} on {@code blockSize}: cached, and intact. */
    private void assertComesBackThroughThePageCache(Optional<OpenOption> direct, long blockSize, int length)
            throws IOException {
        assertComesBackThroughThePageCache(file -> ShardSink.uncached(file, direct, blockSize), length);
    }

    /** How a test opens its sink on a file. */
    private interface SinkOpener {
        ShardSink open(Path file) throws IOException;
    }

    /** Writes random bytes through the sink {@code opener} gives: cached, and intact. */
    private void assertComesBackThroughThePageCache(SinkOpener opener, int length) throws IOException {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        Path file = Files.createFile(dir.resolve("fragment.tmp"));
        try (ShardSink sink = opener.open(file)) {
            assertFalse(sink.bypassesPageCache(), "not opened around the page cache");
            sink.write(ByteBuffer.wrap(bytes));
            sink.finish(bytes.length);
        }
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void aSinkClosedUnfinishedLeavesItsBufferForTheNext() throws IOException {
        assumeTrue(ShardSink.writesUncached(dir), "the temporary directory does not take O_DIRECT");
        Path first = Files.createFile(dir.resolve("a.tmp"));
        try (ShardSink sink = ShardSink.uncached(first)) {
            sink.write(ByteBuffer.wrap(new byte[5000]));
        }
        byte[] bytes = new byte[9000];
        new Random(7).nextBytes(bytes);
        Path second = Files.createFile(dir.resolve("b.tmp"));
        try (ShardSink sink = ShardSink.uncached(second)) {
            sink.write(ByteBuffer.wrap(bytes));
            sink.finish(bytes.length);
        }
        assertArrayEquals(bytes, Files.readAllBytes(second), "nothing of the first fragment's bytes");
    }
}
