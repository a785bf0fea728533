package org.tesseras.replication.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs repair rounds every interval plus a uniform random jitter, one at a time, on its own thread;
 * a round can also be started at once. Stopping interrupts a round in progress and leaves no thread.
 */
final class RepairLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RepairLoop.class);

    private final Runnable round;
    private final ScheduledExecutorService scheduler;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> next;
    private Duration interval;
    private Duration jitter;
    private long generation;

    RepairLoop(Runnable round, Duration interval, Duration jitter) {
        this.round = round;
        this.interval = interval;
        this.jitter = jitter;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tesseras-repair");
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        });
    }

    /** The delay before the next scheduled round: the interval plus a uniform jitter in [0, jitter]. */
    static Duration nextDelay(Duration interval, Duration jitter) {
        long jitterMillis = jitter.toMillis() == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1);
        return interval.plusMillis(jitterMillis);
    }

    /** Takes timing and whether rounds run on their own; the schedule restarts from now. */
    synchronized void schedule(boolean enabled, Duration newInterval, Duration newJitter) {
        interval = newInterval;
        jitter = newJitter;
        generation++;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        if (enabled) {
            scheduleNext(generation);
        }
    }

    /** Runs {@code task} once on the loop's thread after {@code delay} (never alongside a round). */
    void runLater(Duration delay, Runnable task) {
        scheduler.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("A background task of the repair loop failed: {}", e.toString(), e);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a round now, after any round in progress. */
    void triggerNow() {
        scheduler.execute(this::runRound);
    }

    /**
     * Stops the loop: a running round is interrupted; waits for the thread itself to end (the executor
     * reports itself terminated a moment before its last thread has returned).
     */
    void stop() {
        synchronized (this) {
            generation++;
        }
        scheduler.shutdownNow();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The repair round did not stop within 30 s of being interrupted");
                return;
            }
            for (Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop has stopped and none of its threads is still alive. */
    boolean isStopped() {
        return scheduler.isTerminated() && threads.stream().noneMatch(Thread::isAlive);
    }

    /** The threads the loop has started (alive or not), for tests that check nothing is left behind. */
    List<Thread> threads() {
        return List.copyOf(threads);
    }

    private synchronized void scheduleNext(long scheduledGeneration) {
        if (scheduler.isShutdown() || scheduledGeneration != generation) {
            return;
        }
        Duration delay = nextDelay(interval, jitter);
        next = scheduler.schedule(() -> {
            runRound();
            scheduleNext(scheduledGeneration);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Next repair round in {}", delay);
    }

    private void runRound() {
        try {
            round.run();
        } catch (RuntimeException e) {
            LOG.error("A repair round failed: {}", e.toString(), e);
        }
    }
}
