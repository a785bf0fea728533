package org.tesseras.replication.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the next repair round is due, from what survives a restart: the start of the last round (kept in the
 * journal), the interval, and a jitter fixed per round (drawn from the last round's start and the node), so
 * neither a restart nor a configuration change pushes a round back. A round that is overdue, or due while
 * the node was starting, runs {@code firstRoundDelay} after activation.
 */
record RepairSchedule(Duration interval, Duration jitter, Duration firstRoundDelay, long nodeSeed) {

    /** The next round's time, given the last round's start (if any) and when the loop was activated. */
    Instant nextRoundAt(Optional<Instant> lastRoundStart, Instant activatedAt) {
        Instant earliest = activatedAt.plus(firstRoundDelay);
        if (lastRoundStart.isEmpty()) {
            return earliest;
        }
        Instant due = lastRoundStart.get().plus(interval).plusMillis(jitterMillis(lastRoundStart.get()));
        return due.isBefore(earliest) ? earliest : due;
    }

    /** The jitter after the round that started at {@code lastRoundStart}: the same whenever it is asked. */
    long jitterMillis(Instant lastRoundStart) {
        long bound = jitter.toMillis();
        if (bound <= 0) {
            return 0;
        }
        long mixed = mix(nodeSeed ^ lastRoundStart.toEpochMilli());
        return Math.floorMod(mixed, bound + 1);
    }

    /** SplitMix64's finalizer: spreads close inputs over the whole range. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
