package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's sync starts in the background while it is written, and a background sync's failure is never lost:
 * the kernel tells a failed write-out to one sync only. The failing syncs here stand in for a disk's EIO, which
 * cannot be made on this machine.
 */
class EarlyWritebackTest {
    @TempDir
    Path dir;

    @Test
    void aFileWrittenPastTheStepIsSyncedInTheBackgroundAndAgainWithItsMetadataAtTheEnd() throws Exception {
        List<String> syncs = new CopyOnWriteArrayList<>();
        CountDownLatch background = new CountDownLatch(1);
        EarlyWriteback writeback = new EarlyWriteback(metaData -> {
            syncs.add(Thread.currentThread().getName() + (metaData ? " with metadata" : ""));
            background.countDown();
        });

        writeback.written(EarlyWriteback.STEP_BYTES - 1);
        assertTrue(syncs.isEmpty(), "no sync before a step's bytes are written: " + syncs);
        writeback.written(1);
        assertTrue(background.await(10, TimeUnit.SECONDS), "a background sync started");
        writeback.finish(true);

        assertEquals(2, syncs.size(), syncs.toString());
        assertTrue(syncs.get(0).startsWith("tesseras-fs-writeback-"), syncs.get(0));
        assertEquals(Thread.currentThread().getName() + " with metadata", syncs.get(1));
    }

    @Test
    void aBackgroundSyncThatFailedIsThrownByTheFinalSyncWhichTheDiskWouldHaveAnsweredWell() {
        IOException eio = new IOException("Input/output error");
        List<Boolean> syncs = new CopyOnWriteArrayList<>();
        EarlyWriteback writeback = new EarlyWriteback(metaData -> {
            syncs.add(metaData);
            if (!metaData) {
                throw eio;
            }
        });

        writeback.written(EarlyWriteback.STEP_BYTES);
        IOException thrown = assertThrows(IOException.class, () -> writeback.finish(true));

        assertSame(eio, thrown.getCause(), "the background sync's own failure");
        assertEquals(List.of(false), syncs, "the final sync is not asked: it would answer well for lost bytes");
    }

    @Test
    void aFileAbandonedWhileItsBackgroundSyncRunsIsNoFailure() throws Exception {
        EarlyWriteback writeback = new EarlyWriteback(metaData -> {
            if (!metaData) {
                throw new ClosedChannelException();
            }
        });

        writeback.written(2 * EarlyWriteback.STEP_BYTES);
        writeback.finish(true);
    }

    @Test
    void bytesWrittenThroughRealFileSyncsComeBackByteForByteAndClosingTheChannelLeavesTheFileOpen()
            throws IOException {
        byte[] bytes = new byte[(int) (3 * EarlyWriteback.STEP_BYTES) + 12_345];
        new Random(11).nextBytes(bytes);
        Path file = dir.resolve("blob.tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            EarlyWriteback writeback = new EarlyWriteback(channel);
            try (WritableByteChannel counted = writeback.writingTo(channel)) {
                for (int at = 0; at < bytes.length; at += 64 * 1024) {
                    ByteBuffer piece = ByteBuffer.wrap(bytes, at, Math.min(64 * 1024, bytes.length - at));
                    while (piece.hasRemaining()) {
                        counted.write(piece);
                    }
                }
            }
            assertTrue(channel.isOpen(), "the file stays open for its final sync");
            writeback.finish(true);
        }
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }
}
