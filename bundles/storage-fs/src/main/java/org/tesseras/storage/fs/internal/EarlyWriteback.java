package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the sync of a file while the file is still being written. Every file is synced before it is named
 * (see {@link ShardFiles}); left to that one sync, all its bytes go to the disk at the end, while the writer
 * waits and the CPU idles (the kernel starts writing dirty pages on its own only past a tenth of memory).
 * Here, every {@link #STEP_BYTES} written, a background thread syncs what the file holds so far
 * ({@code fdatasync}), so the disk writes one part while the next is hashed, coded or received, and the final
 * sync finds little left to write.
 *
 * <p>The kernel reports a failed write-out to one sync of the file only, which may be a background one: its
 * failure is kept and thrown by {@link #finish}, so a file whose bytes did not reach the disk is never named.
 *
 * <p>One per file being written, used by its writer's thread.
 */
final class EarlyWriteback {
    /** Bytes written between two background syncs of a file. */
    static final long STEP_BYTES = 4L << 20;
    /** Two threads: the syncs of several files at once keep the disk's queue filled. */
    private static final ThreadPoolExecutor SYNCS = syncThreads();

    /** How a file is synced: {@link FileChannel#force}, or for tests one that fails as a disk can. */
    @FunctionalInterface
    interface Sync {
        void force(boolean metaData) throws IOException;
    }

    private final Sync sync;
    private long unsynced;
    private Future<?> running = CompletableFuture.completedFuture(null);
    private volatile IOException failure;

    EarlyWriteback(FileChannel channel) {
        this(channel::force);
    }

    EarlyWriteback(Sync sync) {
        this.sync = sync;
    }

    /** Counts {@code bytes} just written; past {@link #STEP_BYTES} starts a background sync unless one runs. */
    void written(long bytes) {
        unsynced += bytes;
        if (unsynced >= STEP_BYTES && running.isDone()) {
            unsynced = 0;
            try {
                running = SYNCS.submit(this::syncInBackground);
            } catch (RejectedExecutionException e) {
                // the final sync writes it all
            }
        }
    }

    /** A channel that writes to {@code file} and counts what it writes here; closing it leaves {@code file} open. */
    WritableByteChannel writingTo(FileChannel file) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer source) throws IOException {
                int n = file.write(source);
                written(n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return file.isOpen();
            }

            @Override
            public void close() {
                // the file is closed by whoever opened it
            }
        };
    }

    /**
     * Syncs the file ({@code metaData} as {@link FileChannel#force}) once the background sync running (if any)
     * has ended; throws the failure of any background sync.
     */
    void finish(boolean metaData) throws IOException {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while a background sync of the file was running", e);
        } catch (ExecutionException e) {
            throw new IOException("a background sync of the file failed", e.getCause());
        }
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("the file's bytes did not all reach the disk: " + failed.getMessage(), failed);
        }
        sync.force(metaData);
    }

    private void syncInBackground() {
        try {
            sync.force(false);
        } catch (ClosedChannelException e) {
            // the file was abandoned meanwhile: nothing will name it
        } catch (IOException e) {
            failure = e;
        }
    }

    private static ThreadPoolExecutor syncThreads() {
        AtomicInteger count = new AtomicInteger();
        // threads end after a second idle, so none outlives a store's bundle for long
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "tesseras-fs-writeback-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
