package org.tesseras.replication.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Announcements#announceAll()} every announcement interval on its own thread, so a long repair round
 * never delays the records that keep tesseras findable. The first run is the start-up tasks' (once the node has
 * joined); this loop follows one interval later.
 */
final class AnnouncementLoop {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementLoop.class);

    private final Runnable announce;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tesseras-announcements");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> scheduled;
    private Duration interval;

    AnnouncementLoop(Runnable announce) {
        this.announce = announce;
    }

    /** Announces every {@code every}, the first time {@code every} from now; a running schedule is replaced. */
    synchronized void schedule(Duration every) {
        if (every.equals(interval) && scheduled != null) {
            return;
        }
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        interval = every;
        long millis = every.toMillis();
        scheduled = executor.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            announce.run();
        } catch (RuntimeException e) {
            LOG.warn("Announcing this node's records failed: {}; trying again in {}", e.toString(), interval, e);
        }
    }

    void stop() {
        executor.shutdownNow();
    }
}
