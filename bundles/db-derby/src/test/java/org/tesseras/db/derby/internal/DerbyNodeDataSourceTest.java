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
import org.tesseras.db.derby.AdapterSchema;

class DerbyNodeDataSourceTest {

    @TempDir
    Path tempDir;

    static final List<AdapterSchema.Script> NOTES = List.of(
            new AdapterSchema.Script(1, "notes", "/db/test-adapter/001_notes.sql"));

    private static String memoryName() {
        return "memory:db-test-" + UUID.randomUUID();
    }

    private static DerbyNodeDataSource open(String database) throws SQLException {
        return new DerbyNodeDataSource(TestDatabase.config(database, 4, 5_000));
    }

    @Test
    void aRestartOnDiskKeepsDataAndAppliesNothing() throws SQLException {
        String dir = tempDir.resolve("db").toString();
        DerbyNodeDataSource first = open(dir);
        assertEquals(1, AdapterSchema.migrate(first, "test-adapter", getClass(), NOTES));
        TestDatabase.update(first, "INSERT INTO test_notes (id, note) VALUES (7, 'kept')");
        first.close();

        DerbyNodeDataSource second = open(dir);
        try (Connection c = second.getConnection(); Statement s = c.createStatement()) {
            assertEquals(0, AdapterSchema.migrate(second, "test-adapter", getClass(), NOTES));
            try (ResultSet rows = s.executeQuery("SELECT id, note FROM test_notes")) {
                assertTrue(rows.next());
                assertEquals("kept", rows.getString(2));
                assertFalse(rows.next());
            }
            assertFalse(Schemas.tables(c).contains("SCHEMA_VERSION"), "a new database has no node schema");
        } finally {
            second.close();
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
            assertTrue(c.isValid(5));
        } finally {
            second.close();
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
}
