package org.tesseras.db.derby.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies SQL migration scripts in version order, each in its own transaction together with its row in a
 * {@link VersionTable} ({@code schema_version} for the node schema of old databases, {@code adapter_schema} for
 * each adapter's own), so a migration is either wholly applied and recorded or not at all. Re-running is a no-op;
 * a recorded migration whose script changed, or a database newer than the scripts, is refused.
 */
final class SchemaMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
    private static final String TABLE_EXISTS = "X0Y32";

    /**
     * The node's schema as one list, as databases made before each adapter brought its own tables have it. Frozen:
     * it brings such a database to version 4, whose tables the adapters then adopt (see {@link LegacySchema}).
     */
    static final List<Migration> NODE_SCHEMA = List.of(
            new Migration(1, "base", "/db/migration/001_base.sql"),
            new Migration(2, "replication", "/db/migration/002_replication.sql"),
            new Migration(3, "health", "/db/migration/003_health.sql"),
            new Migration(4, "manifests", "/db/migration/004_manifests.sql"));

    /** One versioned script, loaded from the bundle's resources. */
    record Migration(int version, String description, String resource) {
        Migration {
            if (version < 1) {
                throw new IllegalArgumentException("migration version must be >= 1, got " + version);
            }
            Objects.requireNonNull(description, "description of migration " + version);
            Objects.requireNonNull(resource, "resource of migration " + version);
        }
    }

    private final VersionTable table;
    private final Class<?> resources;
    private final List<Migration> migrations;

    /** The node schema's migrations, recorded in {@code schema_version}. */
    SchemaMigrations(List<Migration> migrations) {
        this(VersionTable.NODE, SchemaMigrations.class, migrations);
    }

    /** Migrations recorded in {@code table}, their scripts loaded as resources of {@code resources}. */
    SchemaMigrations(VersionTable table, Class<?> resources, List<Migration> migrations) {
        this.table = table;
        this.resources = resources;
        TreeMap<Integer, Migration> byVersion = new TreeMap<>();
        for (Migration migration : migrations) {
            if (byVersion.put(migration.version(), migration) != null) {
                throw new IllegalArgumentException("two migrations with version " + migration.version());
            }
        }
        this.migrations = List.copyOf(byVersion.values());
    }

    /** Brings the schema behind {@code connection} up to the newest migration; returns how many were applied. */
    int apply(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            table.create(connection);
            connection.setAutoCommit(false);
            int applied = 0;
            for (Migration migration : migrations) {
                if (applyOne(connection, migration)) {
                    applied++;
                }
            }
            checkNotNewer(connection);
            return applied;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The highest version of the node schema applied, 0 for a database without one. */
    static int currentVersion(Connection connection) throws SQLException {
        return VersionTable.NODE.currentVersion(connection);
    }

    private boolean applyOne(Connection connection, Migration migration) throws SQLException {
        String script = load(migration);
        long checksum = checksum(script);
        try {
            table.lock(connection);
            Long recorded = table.recordedChecksum(connection, migration.version());
            if (recorded != null) {
                connection.rollback();
                if (recorded != checksum && recorded != VersionTable.ADOPTED) {
                    throw new IllegalStateException(table.describe(migration.version()) + " ("
                            + migration.resource() + ") was applied with checksum " + recorded
                            + " but the script now has checksum " + checksum
                            + ": a released migration must never change; add a new migration instead");
                }
                return false;
            }
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(script)) {
                    statement.execute(sql);
                }
            }
            table.record(connection, migration.version(), migration.description(), checksum);
            connection.commit();
            LOG.info("Applied {} ({})", table.describe(migration.version()), migration.description());
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            if (e instanceof SQLException sql) {
                throw new SQLException(table.describe(migration.version()) + " (" + migration.resource()
                        + ") failed and was rolled back: " + sql.getMessage(), sql.getSQLState(), sql);
            }
            throw e;
        }
    }

    private void checkNotNewer(Connection connection) throws SQLException {
        int current = table.currentVersion(connection);
        connection.commit();
        int known = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        if (current > known) {
            throw new IllegalStateException("the " + table.describe() + " is at version " + current
                    + " but the bundle bringing it knows migrations up to " + known
                    + ": it was written by a newer Tesseras; install that version again");
        }
    }

    private String load(Migration migration) {
        try (InputStream in = resources.getResourceAsStream(migration.resource())) {
            if (in == null) {
                throw new IllegalStateException(table.describe(migration.version()) + " not found: "
                        + migration.resource() + " in " + resources.getName() + "'s bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema migration " + migration.resource(), e);
        }
    }

    /** CRC32 of the script with line endings normalised, to notice an edited migration. */
    static long checksum(String script) {
        CRC32 crc = new CRC32();
        crc.update(script.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** The statements of a script: {@code --} comment lines dropped, split at each {@code ;}. */
    static List<String> statements(String script) {
        StringBuilder text = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.strip().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String part : text.toString().split(";")) {
            String sql = part.strip();
            if (!sql.isEmpty()) {
                statements.add(sql);
            }
        }
        return statements;
    }
}
