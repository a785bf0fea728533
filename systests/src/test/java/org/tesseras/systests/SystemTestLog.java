package org.tesseras.systests;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** One line per step of a system test on standard output, so a build log shows where the time went. */
final class SystemTestLog {
    private SystemTestLog() {
    }

    static void info(String message) {
        System.out.println("[systest " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] " + message);
        System.out.flush();
    }

    /** Seconds since {@code startNanos}, for messages. */
    static String since(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
