package org.tesseras.shell;

import java.time.Duration;
import java.time.Instant;

/** How commands print byte counts, progress, ages and times to come. */
final class Sizes {
    private Sizes() {
    }

    /** {@code 1536} → {@code 1.5 KiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }

    /** {@code done/total}, as bytes when the phase counts bytes, with a percentage. */
    static String progress(String phase, long done, long total) {
        boolean inBytes = total > 1024 && !phase.contains("fragments");
        String amount = inBytes ? bytes(done) + " of " + bytes(total) : done + " of " + total;
        return amount + (total > 0 ? " (" + done * 100 / total + " %)" : "");
    }

    /** How long ago {@code then} was, roughly. */
    static String ago(Instant then) {
        return roughly(Duration.between(then, Instant.now())) + " ago";
    }

    /** When {@code then} comes, roughly: {@code in 3 h}, or {@code due 5 min ago} once it has passed. */
    static String when(Instant then) {
        Duration until = Duration.between(Instant.now(), then);
        return until.isNegative() ? "due " + roughly(until.negated()) + " ago" : "in " + roughly(until);
    }

    private static String roughly(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + " h";
        }
        return seconds / 86400 + " d";
    }
}
