package org.tesseras.status.page.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Byte counts and ages as people read them. */
final class Units {
    private Units() {
    }

    /** {@code 1536} → {@code 1.5 KiB}. */
    static String bytes(long bytes) {
        if (Math.abs(bytes) < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** How long before {@code now} {@code then} was, roughly. */
    static String ago(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).getSeconds());
        if (seconds < 120) {
            return seconds + " s ago";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86400 + " d ago";
    }
}
