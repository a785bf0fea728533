package org.tesseras.db.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerbyNodeDataSourceTest {

    @TempDir
    Path tempDir;

    private static String memoryName() {
        return "memory:db-test-" + UUID.randomUUID();
    }

    private static DerbyNodeDataSource open(String database) throws SQLException {
        return new DerbyNodeDataSource(TestDatabase.config(database, 4, 5_000));
    }

    @Test
    void migratesAnEmptyDatabaseToEveryTableOfTheDesign() throws SQLException {
        DerbyNodeDataSource db = open(memoryName());
        try (Connection c = db.getConnection()) {
            assertEquals(4, SchemaMigrations.currentVersion(c));
            assertEquals(Set.of("TESSERA_HASH", "FRAGMENT_INDEX", "IS_PARITY", "CHECKSUM", "SIZE_BYTES", "PATH",
                    "STORED_AT", "LAST_VERIFIED", "ORIGIN_PEER", "LOST_AT"), columns(c, "FRAGMENTS"));
            assertEquals(Set.of("TESSERA_HASH", "FRAGMENT_INDEX"), primaryKey(c, "FRAGMENTS"));
            assertEquals(Set.of("TESSERA_HASH", "TESSERA_SIZE", "TIER", "DATA_SHARDS", "PARITY_SHARDS", "SHARD_SIZE",
                    "REPLICATION_FACTOR", "CREATED_AT"), columns(c, "FRAGMENT_PLANS"));
            assertEquals(Set.of("TESSERA_HASH"), primaryKey(c, "FRAGMENT_PLANS"));
            assertEquals(Set.of("TESSERA_HASH", "NODE_ID", "ADDRESS", "SUBNET", "LAST_ATTESTED", "LAST_SEEN",
                    "FAILED_ATTESTATIONS"), columns(c, "HOLDERS"));
            assertEquals(Set.of("TESSERA_HASH", "NODE_ID"), primaryKey(c, "HOLDERS"));
            assertEquals(Set.of("TESSERA_HASH", "NODE_ID", "FRAGMENT_INDEX"), columns(c, "HOLDER_FRAGMENTS"));
            assertEquals(Set.of("TESSERA_HASH", "NODE_ID", "FRAGMENT_INDEX"), primaryKey(c, "HOLDER_FRAGMENTS"));
            assertEquals(Set.of("PEER_ID", "BYTES_STORED_FOR_THEM", "BYTES_THEY_STORE_FOR_US", "BALANCE",
                    "LAST_UPDATED"), columns(c, "RECIPROCITY"));
            assertEquals(Set.of("PEER_ID"), primaryKey(c, "RECIPROCITY"));
            assertEquals(Set.of("TESSERA_HASH", "ACTION", "CHECKED_AT", "DETAIL"), columns(c, "TESSERA_HEALTH"));
            assertEquals(Set.of("TESSERA_HASH", "OWNER_ID", "CODEC", "CREATED_AT", "ENCODED"), columns(c, "MANIFESTS"));
            assertEquals(Set.of("TESSERA_HASH"), primaryKey(c, "MANIFESTS"));
            assertEquals(Set.of("ID", "SOURCE", "SIZE_BYTES", "TESSERA_HASH", "STARTED_AT", "ENDED_AT", "OUTCOME"),
                    columns(c, "PUT_JOURNAL"));
            assertEquals(Set.of("STARTED_AT", "ENDED_AT", "TESSERAS", "REPAIRED", "LOST", "FAILED", "NOTE"),
                    columns(c, "REPAIR_ROUNDS"));
            assertEquals(Set.of("FRAGMENTS", "FRAGMENT_PLANS", "HOLDERS", "HOLDER_FRAGMENTS", "RECIPROCITY",
                    "SCHEMA_VERSION", "TESSERA_HEALTH", "MANIFESTS", "PUT_JOURNAL", "REPAIR_ROUNDS"), tables(c));
        } finally {
            db.close();
        }
    }

    @Test
    void reRunningTheMigrationsIsANoOp() throws SQLException {
        DerbyNodeDataSource db = open(memoryName());
        try (Connection c = db.getConnection()) {
            List<String> before = versionRows(c);
            assertEquals(0, new SchemaMigrations(SchemaMigrations.NODE_SCHEMA).apply(c));
            assertEquals(before, versionRows(c));
            assertEquals(List.of("1 base", "2 replication", "3 health", "4 manifests"), before);
        } finally {
            db.close();
        }
    }

    @Test
    void aRestartOnDiskKeepsDataAndAppliesNothing() throws SQLException {
        String dir = tempDir.resolve("db").toString();
        DerbyNodeDataSource first = open(dir);
        try (Connection c = first.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO reciprocity (peer_id, bytes_stored_for_them, bytes_they_store_for_us,"
                    + " last_updated) VALUES ('" + "ab".repeat(20) + "', 1000, 300, CURRENT_TIMESTAMP)");
        }
        first.close();

        DerbyNodeDataSource second = open(dir);
        try (Connection c = second.getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT bytes_stored_for_them, balance FROM reciprocity")) {
            assertTrue(rows.next());
            assertEquals(1000, rows.getLong(1));
            assertEquals(-700, rows.getLong(2));
            assertFalse(rows.next());
            assertEquals(List.of("1 base", "2 replication", "3 health", "4 manifests"), versionRows(c));
        } finally {
            second.close();
        }
    }

    @Test
    void balanceIsGeneratedAndCannotBeWritten() throws SQLException {
        DerbyNodeDataSource db = open(memoryName());
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO reciprocity (peer_id, bytes_stored_for_them, bytes_they_store_for_us,"
                    + " last_updated) VALUES ('" + "01".repeat(20) + "', 700, 1000, CURRENT_TIMESTAMP)");
            s.executeUpdate("UPDATE reciprocity SET bytes_stored_for_them = 1200");
            try (ResultSet rows = s.executeQuery("SELECT balance FROM reciprocity")) {
                assertTrue(rows.next());
                assertEquals(-200, rows.getLong(1));
            }
            SQLException refused = assertThrows(SQLException.class, () -> s.executeUpdate(
                    "UPDATE reciprocity SET balance = 5"));
            assertEquals("42XA3", refused.getSQLState(), refused.getMessage());
        } finally {
            db.close();
        }
    }

    @Test
    void deactivationShutsDownAndLeavesNoLockForTheNextStart() throws Exception {
        Path dir = tempDir.resolve("db");
        DerbyNodeDataSource first = open(dir.toString());
        assertTrue(Files.exists(dir.resolve("db.lck")), "a booted database holds db.lck");
        assertEquals(1, bootInAnotherJvm(dir), "another JVM must not boot a database that is in use");
        first.close();
        assertFalse(Files.exists(dir.resolve("db.lck")), "a clean shutdown removes db.lck");
        assertThrows(SQLException.class, first::getConnection, "a closed pool hands out no connection");

        assertEquals(0, bootInAnotherJvm(dir), "another JVM boots the database after a clean shutdown");
        DerbyNodeDataSource second = open(dir.toString());
        try (Connection c = second.getConnection()) {
            assertEquals(SchemaMigrations.NODE_SCHEMA.size(), SchemaMigrations.currentVersion(c));
        } finally {
            second.close();
        }
    }

    @Test
    void aFailingMigrationLeavesNothingHalfWritten() throws SQLException {
        String name = memoryName();
        List<SchemaMigrations.Migration> broken = List.of(SchemaMigrations.NODE_SCHEMA.get(0),
                new SchemaMigrations.Migration(2, "broken", "/db/migration-broken/002_broken.sql"));
        SQLException failure = assertThrows(SQLException.class,
                () -> new DerbyNodeDataSource(name, 2, 5_000, broken));
        assertTrue(failure.getMessage().contains("schema migration 2"), failure.getMessage());

        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(name);
        try (Connection c = derby.getConnection()) {
            assertEquals(1, SchemaMigrations.currentVersion(c));
            assertTrue(tables(c).contains("FRAGMENTS"));
            assertFalse(tables(c).contains("HALF_WRITTEN"), "the first statement of the failed migration is undone");
        }
        DerbyNodeDataSource repaired = new DerbyNodeDataSource(name, 2, 5_000, SchemaMigrations.NODE_SCHEMA);
        try (Connection c = repaired.getConnection()) {
            assertEquals(SchemaMigrations.NODE_SCHEMA.size(), SchemaMigrations.currentVersion(c));
        } finally {
            repaired.close();
        }
    }

    @Test
    void anEditedMigrationIsRefused() throws SQLException {
        DerbyNodeDataSource db = open(memoryName());
        try (Connection c = db.getConnection()) {
            SchemaMigrations edited = new SchemaMigrations(List.of(
                    new SchemaMigrations.Migration(1, "base", "/db/migration-broken/001_edited.sql"),
                    SchemaMigrations.NODE_SCHEMA.get(1)));
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> edited.apply(c));
            assertTrue(refused.getMessage().contains("schema migration 1"), refused.getMessage());
            assertEquals(4, SchemaMigrations.currentVersion(c));
        } finally {
            db.close();
        }
    }

    @Test
    void aDatabaseFromANewerSchemaIsRefused() throws SQLException {
        DerbyNodeDataSource db = open(memoryName());
        try (Connection c = db.getConnection()) {
            SchemaMigrations older = new SchemaMigrations(List.of(SchemaMigrations.NODE_SCHEMA.get(0)));
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> older.apply(c));
            assertTrue(refused.getMessage().contains("version 4"), refused.getMessage());
        } finally {
            db.close();
        }
    }

    @Test
    void badConfigurationIsRefusedNamingTheProperty() {
        IllegalArgumentException pool = assertThrows(IllegalArgumentException.class,
                () -> new DerbyNodeDataSource(TestDatabase.config(memoryName(), 0, 5_000)));
        assertTrue(pool.getMessage().contains("maxPoolSize"), pool.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> new DerbyNodeDataSource(TestDatabase.config(memoryName(), 2, 10)));
        assertTrue(timeout.getMessage().contains("connectionTimeoutMillis"), timeout.getMessage());
        IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
                () -> new DerbyNodeDataSource(TestDatabase.config("memory:", 2, 5_000)));
        assertTrue(memory.getMessage().contains("org.tesseras.db database"), memory.getMessage());
        IllegalArgumentException attributes = assertThrows(IllegalArgumentException.class,
                () -> new DerbyNodeDataSource(TestDatabase.config(tempDir + ";shutdown=true", 2, 5_000)));
        assertTrue(attributes.getMessage().contains("org.tesseras.db database"), attributes.getMessage());
    }

    @Test
    void anEmptyDatabaseSettingMeansTheKarafDataDirectory() {
        String previous = System.getProperty("karaf.data");
        System.setProperty("karaf.data", tempDir.toString());
        try {
            assertEquals(tempDir.resolve("tesseras").resolve("db").toString(),
                    DerbyNodeDataSource.resolveDatabase(" "));
        } finally {
            if (previous == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", previous);
            }
        }
    }

    @Test
    void scriptsSplitIntoStatementsWithoutComments() {
        assertEquals(List.of("CREATE TABLE a (x INT)", "CREATE INDEX b ON a (x)"), SchemaMigrations.statements(
                "-- a comment; with a semicolon\nCREATE TABLE a (x INT);\r\n\n  -- another\nCREATE INDEX b ON a (x);\n"));
    }

    private static int bootInAnotherJvm(Path dir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dderby.stream.error.file=" + dir.resolveSibling("child-derby.log"),
                BootDatabase.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolveSibling("child-" + UUID.randomUUID() + ".out").toFile())
                .start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the child JVM did not finish");
        }
        return process.exitValue();
    }

    private static List<String> versionRows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
            while (r.next()) {
                rows.add(r.getInt(1) + " " + r.getString(2));
            }
        }
        return rows;
    }

    private static Set<String> tables(Connection c) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (ResultSet r = c.getMetaData().getTables(null, "APP", "%", new String[] {"TABLE"})) {
            while (r.next()) {
                names.add(r.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> names = new TreeSet<>();
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet r = meta.getColumns(null, "APP", table, "%")) {
            while (r.next()) {
                names.add(r.getString("COLUMN_NAME"));
            }
        }
        return names;
    }

    private static Set<String> primaryKey(Connection c, String table) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (ResultSet r = c.getMetaData().getPrimaryKeys(null, "APP", table)) {
            while (r.next()) {
                names.add(r.getString("COLUMN_NAME"));
            }
        }
        return names;
    }
}
