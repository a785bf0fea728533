package org.tesseras.erasure.rs.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs tasks {@code 0..count-1} on the calling thread plus up to {@code threads - 1} workers, each taking the
 * next task until none is left. The caller always works, so a busy or stopped executor only slows a call down,
 * and it waits only for tasks that were started, never for a worker that has not begun.
 */
final class TaskSpreader {
    private final Executor workers;
    private final int threads;

    /** Spreads over {@code workers} (null: everything on the caller) using at most {@code threads} threads. */
    TaskSpreader(Executor workers, int threads) {
        this.workers = workers;
        this.threads = workers == null ? 1 : Math.max(1, threads);
    }

    int threads() {
        return threads;
    }

    /** Runs every task once; rethrows the first failure after all started tasks have ended. */
    void run(int count, IntConsumer task) {
        if (count <= 0) {
            return;
        }
        if (count == 1 || threads == 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        Batch batch = new Batch(count, task);
        for (int helper = 1; helper < Math.min(threads, count); helper++) {
            try {
                workers.execute(batch::work);
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        batch.work();
        batch.awaitStarted();
    }

    /** The shared state of one {@link #run}. */
    private static final class Batch {
        private final int count;
        private final IntConsumer task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Batch(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
        }

        void work() {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        task.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (finished.incrementAndGet() == count) {
                        synchronized (this) {
                            notifyAll();
                        }
                    }
                }
            }
        }

        void awaitStarted() {
            boolean interrupted = false;
            synchronized (this) {
                while (finished.get() < count) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (t instanceof Error error) {
                throw error;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
