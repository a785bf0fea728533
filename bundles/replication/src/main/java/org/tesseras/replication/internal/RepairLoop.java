package org.tesseras.replication.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs repair rounds when the {@link RepairSchedule} says one is due, one at a time, on its own thread: it
 * looks every tick, so the schedule, not the time since activation, decides. A round can also be started at
 * once. Stopping interrupts a round in progress and leaves no thread.
 */
final class RepairLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RepairLoop.class);
    private static final Duration MAX_TICK = Duration.ofMinutes(1);
    private static final Duration MIN_TICK = Duration.ofSeconds(1);

    private final Runnable round;
    private final Clock clock;
    private final Supplier<Optional<Instant>> lastRoundStart;
    private final ScheduledExecutorService scheduler;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Instant activatedAt;
    private volatile RepairSchedule schedule;
    private volatile boolean enabled;
    private volatile Instant lastRunHere;
    private volatile Instant runningSince;
    private ScheduledFuture<?> ticking;

    /**
     * @param round runs one round (and records it where {@code lastRoundStart} reads it)
     * @param lastRoundStart when the last recorded round started, across restarts
     */
    RepairLoop(Runnable round, Clock clock, Supplier<Optional<Instant>> lastRoundStart, RepairSchedule schedule,
            boolean enabled) {
        this.round = round;
        this.clock = clock;
        this.lastRoundStart = lastRoundStart;
        this.schedule = schedule;
        this.enabled = enabled;
        this.activatedAt = clock.instant();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tesseras-repair");
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        });
    }

    /** Starts looking for due rounds every tick (a twentieth of the interval, between 1 s and 1 min). */
    synchronized void start() {
        long tickMillis = Math.max(MIN_TICK.toMillis(), Math.min(MAX_TICK.toMillis(),
                schedule.interval().toMillis() / 20));
        ticking = scheduler.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        LOG.info("Repair rounds every {} + up to {}; the next one is due at {}", schedule.interval(), schedule.jitter(),
                nextRoundAt());
    }

    /** Takes new timing and whether rounds run on their own; the next round is still counted from the last one. */
    void reschedule(RepairSchedule updated, boolean runOnItsOwn) {
        schedule = updated;
        enabled = runOnItsOwn;
        LOG.info("Repair schedule changed: every {} + up to {}; the next round is due at {}", updated.interval(),
                updated.jitter(), nextRoundAt());
    }

    /** Since when the round now running started; empty when none runs. */
    Optional<Instant> runningSince() {
        return Optional.ofNullable(runningSince);
    }

    /** Whether rounds run on their own. */
    boolean enabled() {
        return enabled;
    }

    RepairSchedule schedule() {
        return schedule;
    }

    /** When the next round is due. */
    Instant nextRoundAt() {
        return schedule.nextRoundAt(lastStart(), activatedAt);
    }

    /** Runs a round if one is due now; the loop calls this every tick (and tests with a clock of their own). */
    void tick() {
        if (enabled && !clock.instant().isBefore(nextRoundAt())) {
            runRound();
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
            if (ticking != null) {
                ticking.cancel(false);
            }
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

    /** The start of the last round: the journal's, or the last run here if the journal could not record it. */
    private Optional<Instant> lastStart() {
        Optional<Instant> recorded;
        try {
            recorded = lastRoundStart.get();
        } catch (RuntimeException e) {
            LOG.debug("The last repair round cannot be read: {}", e.toString());
            recorded = Optional.empty();
        }
        Instant here = lastRunHere;
        if (here == null) {
            return recorded;
        }
        return recorded.filter(r -> r.isAfter(here)).or(() -> Optional.of(here));
    }

    private void runRound() {
        lastRunHere = clock.instant();
        runningSince = lastRunHere;
        try {
            round.run();
        } catch (RuntimeException e) {
            LOG.error("A repair round failed: {}", e.toString(), e);
        } finally {
            runningSince = null;
        }
    }
}
