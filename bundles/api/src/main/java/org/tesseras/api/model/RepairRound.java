package org.tesseras.api.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One repair round over every tessera: when it ran, how many tesseras it looked at, how many it repaired,
 * found lost, or failed on, and a line saying what happened.
 */
public record RepairRound(Instant startedAt, Instant endedAt, int tesseras, int repaired, int lost, int failed,
        String note) {
    public RepairRound {
        Objects.requireNonNull(startedAt, "started-at");
        Objects.requireNonNull(endedAt, "ended-at");
        if (endedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("a repair round cannot end (" + endedAt + ") before it starts ("
                    + startedAt + ")");
        }
        if (tesseras < 0 || repaired < 0 || lost < 0 || failed < 0) {
            throw new IllegalArgumentException("repair round counts must be >= 0");
        }
        note = note == null ? "" : note;
    }

    /** How long the round took. */
    public Duration duration() {
        return Duration.between(startedAt, endedAt);
    }
}
