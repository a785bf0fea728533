package org.tesseras.api.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the repair loop stands: whether it runs, its interval and jitter, the last round recorded (it survives
 * restarts), when the next round is due, and since when a round has been running, if one is.
 */
public record RepairLoopStatus(boolean enabled, Duration interval, Duration jitter, Optional<RepairRound> lastRound,
        Instant nextRoundAt, Optional<Instant> runningSince) {
    public RepairLoopStatus {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(lastRound, "last round");
        Objects.requireNonNull(nextRoundAt, "next round");
        Objects.requireNonNull(runningSince, "running since");
    }

    /** How late the next round is at {@code now}; zero when it is not due yet or a round is running. */
    public Duration overdueAt(Instant now) {
        if (runningSince.isPresent() || !now.isAfter(nextRoundAt)) {
            return Duration.ZERO;
        }
        return Duration.between(nextRoundAt, now);
    }
}
