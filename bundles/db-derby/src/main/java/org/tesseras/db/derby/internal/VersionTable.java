package org.tesseras.db.derby.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import org.tesseras.db.derby.UtcTimes;

/**
 * Where applied migrations are recorded: {@code schema_version} for the node schema of databases made before the
 * adapters brought their own tables, {@code adapter_schema} (one row per adapter and version) for each adapter's.
 */
final class VersionTable {
    /** The checksum of a migration taken over from the node schema, whose script the adapter now carries. */
    static final long ADOPTED = -1;
    /** The node schema of old databases. */
    static final VersionTable NODE = new VersionTable(null);
    private static final String TABLE_EXISTS = "X0Y32";

    /** The adapter whose rows these are, null for the node schema. */
    private final String adapter;

    private VersionTable(String adapter) {
        this.adapter = adapter;
    }

    /** The rows of {@code adapter} in {@code adapter_schema}. */
    static VersionTable of(String adapter) {
        if (adapter == null || !adapter.matches("[a-z0-9][a-z0-9.-]{0,63}")) {
            throw new IllegalArgumentException("an adapter's schema is named in lowercase letters, digits, '-' and"
                    + " '.', at most 64 characters, got '" + adapter + "'");
        }
        return new VersionTable(adapter);
    }

    /** Whether a database has {@code schema_version}, i.e. was made before the adapters brought their tables. */
    static boolean nodeSchemaExists(Connection connection) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        try (ResultSet tables = metadata.getTables(null, null, "SCHEMA_VERSION", new String[] {"TABLE"})) {
            return tables.next();
        }
    }

    /** "schema migration 3" or "schema migration 3 of adapter storage-fs". */
    String describe(int version) {
        return "schema migration " + version + (adapter == null ? "" : " of adapter " + adapter);
    }

    /** "database schema" or "schema of adapter storage-fs". */
    String describe() {
        return adapter == null ? "database schema" : "schema of adapter " + adapter;
    }

    void create(Connection connection) throws SQLException {
        String create = adapter == null
                ? "CREATE TABLE schema_version (version INT NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL,"
                        + " checksum BIGINT NOT NULL, applied_at TIMESTAMP NOT NULL)"
                : "CREATE TABLE adapter_schema (adapter VARCHAR(64) NOT NULL, version INT NOT NULL,"
                        + " description VARCHAR(200) NOT NULL, checksum BIGINT NOT NULL, applied_at TIMESTAMP NOT NULL,"
                        + " PRIMARY KEY (adapter, version))";
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(create);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            if (!TABLE_EXISTS.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** Locks the table for the rest of the transaction: one migration at a time, whichever bundle runs it. */
    void lock(Connection connection) throws SQLException {
        try (Statement lock = connection.createStatement()) {
            lock.execute("LOCK TABLE " + name() + " IN EXCLUSIVE MODE");
        }
    }

    /** The checksum recorded for {@code version}, null when it was not applied. */
    Long recordedChecksum(Connection connection, int version) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT checksum FROM " + name()
                + " WHERE version = ?" + (adapter == null ? "" : " AND adapter = ?"))) {
            select.setInt(1, version);
            if (adapter != null) {
                select.setString(2, adapter);
            }
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    void record(Connection connection, int version, String description, long checksum) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(adapter == null
                ? "INSERT INTO schema_version (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)"
                : "INSERT INTO adapter_schema (version, description, checksum, applied_at, adapter)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setInt(1, version);
            insert.setString(2, description);
            insert.setLong(3, checksum);
            UtcTimes.set(insert, 4, Instant.now());
            if (adapter != null) {
                insert.setString(5, adapter);
            }
            insert.executeUpdate();
        }
    }

    /** The highest applied version, 0 when none is. */
    int currentVersion(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT MAX(version) FROM " + name()
                + (adapter == null ? "" : " WHERE adapter = ?"))) {
            if (adapter != null) {
                select.setString(1, adapter);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private String name() {
        return adapter == null ? "schema_version" : "adapter_schema";
    }
}
