package org.tesseras.db.derby;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Calendar;
import java.util.Optional;
import java.util.TimeZone;

/** Timestamps in the node database are UTC: how they are written and read. */
public final class UtcTimes {
    private UtcTimes() {
    }

    /** A fresh UTC calendar for {@code setTimestamp}/{@code getTimestamp} (calendars are not thread-safe). */
    public static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }

    /** Sets parameter {@code index} to {@code instant}, in UTC. */
    public static void set(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setTimestamp(index, Timestamp.from(instant), utc());
    }

    /** Sets parameter {@code index} to {@code instant}, or SQL NULL when empty. */
    public static void set(PreparedStatement statement, int index, Optional<Instant> instant) throws SQLException {
        if (instant.isPresent()) {
            set(statement, index, instant.get());
        } else {
            statement.setNull(index, Types.TIMESTAMP);
        }
    }

    /** The UTC timestamp in {@code column}, or empty when it is NULL. */
    public static Optional<Instant> get(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column, utc());
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    /** The UTC timestamp in column {@code index}, or empty when it is NULL. */
    public static Optional<Instant> get(ResultSet rows, int index) throws SQLException {
        Timestamp value = rows.getTimestamp(index, utc());
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }
}
