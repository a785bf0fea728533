package org.tesseras.replication.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for blocking store work done for several fragments at once, such as committing a tessera's fragments
 * (each commit syncs its file to disk, and a disk takes syncs that wait together in one go): a few daemon threads
 * that end when idle. Work handed over once they are stopped runs on the caller.
 */
final class StoreWorkers implements Executor {
    static final int THREADS = 4;
    private static final long IDLE_SECONDS = 30;

    private final ThreadPoolExecutor pool;

    StoreWorkers() {
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "tesseras-store-worker-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Lets the work handed over end; what comes after runs on its caller. */
    void stop() {
        pool.shutdown();
    }
}
