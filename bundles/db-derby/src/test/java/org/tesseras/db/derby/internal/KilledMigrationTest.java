package org.tesseras.db.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.db.derby.AdapterSchema;

/**
 * A node killed ({@code kill -9}) in the middle of an adapter's migration: the database on disk keeps nothing of
 * that script, no row says it ran, and the adapter's next start applies it whole.
 */
class KilledMigrationTest {
    static final String ADAPTER = "killed-adapter";
    static final AdapterSchema.Script PAUSED =
            new AdapterSchema.Script(1, "notes", "/db/migration-killed/001_paused.sql");
    static final AdapterSchema.Script WHOLE = new AdapterSchema.Script(1, "notes", "/db/migration-killed/001_whole.sql");

    @TempDir
    Path dir;

    @Test
    void aNodeKilledHalfWayThroughAMigrationKeepsNothingOfItAndAppliesItWholeAtItsNextStart() throws Exception {
        Path database = dir.resolve("db");
        Path paused = dir.resolve("paused");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process node = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                KilledMigrationTest.class.getName() + "$Node", database.toString(), paused.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
        try {
            awaitFile(paused, node);
        } finally {
            node.destroyForcibly();
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the killed JVM did not end");
        }
        assertEquals(137, node.exitValue(), "killed by SIGKILL, not ended by itself");

        DerbyNodeDataSource db = TestDatabase.open(database.toString());
        try {
            try (Connection c = db.getConnection()) {
                assertFalse(Schemas.tables(c).contains("TEST_NOTES"), "the half-run script left its table");
                assertEquals(List.of(), rowsOf(c, ADAPTER), "a row says the killed script ran");
            }
            assertEquals(1, AdapterSchema.migrate(db, ADAPTER, getClass(), List.of(WHOLE)));
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                    ResultSet notes = s.executeQuery("SELECT body FROM test_notes")) {
                assertTrue(notes.next());
                assertEquals("written after the restart", notes.getString(1));
                assertFalse(notes.next(), "one row, the restart's: none from before the kill");
                assertTrue(Schemas.tables(c).contains("TEST_AFTER_PAUSE"));
                assertEquals(List.of(ADAPTER + " 1 applied"), rowsOf(c, ADAPTER));
            }
            assertEquals(0, AdapterSchema.migrate(db, ADAPTER, getClass(), List.of(WHOLE)), "applied once");
        } finally {
            db.close();
        }
    }

    private static List<String> rowsOf(Connection c, String adapter) throws SQLException {
        return Schemas.tables(c).contains("ADAPTER_SCHEMA")
                ? Schemas.adapterRows(c).stream().filter(row -> row.startsWith(adapter + " ")).toList()
                : List.of();
    }

    private static void awaitFile(Path file, Process node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(file)) {
            assertTrue(node.isAlive(), () -> "the node ended before its migration paused: " + log(file));
            assertTrue(System.nanoTime() < deadline, () -> "the migration did not pause in 120 s: " + log(file));
            Thread.sleep(20);
        }
    }

    private static String log(Path paused) {
        try {
            return Files.readString(paused.resolveSibling("node.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The node of the test, in its own JVM: opens the database in a directory and runs the pausing script. */
    public static final class Node {
        private static Path pausedFile;

        public static void main(String[] args) throws Exception {
            pausedFile = Path.of(args[1]);
            DerbyNodeDataSource db = TestDatabase.open(args[0]);
            TestDatabase.update(db, "CREATE PROCEDURE tesseras_test_pause() LANGUAGE JAVA PARAMETER STYLE JAVA"
                    + " NO SQL EXTERNAL NAME '" + Node.class.getName() + ".pause'");
            AdapterSchema.migrate(db, ADAPTER, KilledMigrationTest.class, List.of(PAUSED));
            System.exit(3);
        }

        /** Called by the script half way: says so, then waits for the kill. */
        public static void pause() throws IOException, InterruptedException {
            Files.writeString(pausedFile, "paused\n");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
