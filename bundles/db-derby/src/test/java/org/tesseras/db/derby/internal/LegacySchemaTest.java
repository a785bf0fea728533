package org.tesseras.db.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.tesseras.db.derby.AdapterSchema;

/**
 * Databases made while this bundle held every table: brought to the node schema's version 4, their tables adopted
 * by the adapters that now bring them, and those adapters' first scripts make exactly the same tables.
 */
class LegacySchemaTest {
    /** Each adapter's first script, read from its module (this test runs in the reactor, beside them). */
    static final List<Path> ADAPTER_SCRIPTS = List.of(
            Path.of("../storage-fs/src/main/resources/db/storage-fs/001_fragments.sql"),
            Path.of("../ledger-derby/src/main/resources/db/ledger-derby/001_reciprocity.sql"),
            Path.of("../holders-derby/src/main/resources/db/holders-derby/001_holders.sql"));

    @Test
    void anOldDatabaseIsBroughtToVersionFourKeepsItsRowsAndItsTablesAreAdopted() throws SQLException {
        String name = "memory:legacy-" + UUID.randomUUID();
        try (Connection c = derby(name).getConnection(); Statement s = c.createStatement()) {
            assertEquals(2, new SchemaMigrations(SchemaMigrations.NODE_SCHEMA.subList(0, 2)).apply(c));
            s.executeUpdate("INSERT INTO reciprocity (peer_id, bytes_stored_for_them, bytes_they_store_for_us,"
                    + " last_updated) VALUES ('" + "ab".repeat(20) + "', 1000, 300, CURRENT_TIMESTAMP)");
        }
        DerbyNodeDataSource db = TestDatabase.open(name);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertEquals(List.of("1 base", "2 replication", "3 health", "4 manifests"), Schemas.versionRows(c));
            assertEquals(List.of("holders-derby 1 ADOPTED", "ledger-derby 1 ADOPTED", "storage-fs 1 ADOPTED"),
                    Schemas.adapterRows(c));
            try (ResultSet rows = s.executeQuery("SELECT bytes_stored_for_them, balance FROM reciprocity")) {
                assertTrue(rows.next());
                assertEquals(1000, rows.getLong(1));
                assertEquals(-700, rows.getLong(2));
            }
            // the adapter's first script is not run again, and not compared: the node schema made its tables
            AdapterSchema.Script first = new AdapterSchema.Script(1, "reciprocity", "/db/test-adapter/001_notes.sql");
            assertEquals(0, AdapterSchema.migrate(db, "ledger-derby", getClass(), List.of(first)));
            assertFalse(Schemas.tables(c).contains("TEST_NOTES"));
        } finally {
            db.close();
        }
        DerbyNodeDataSource again = TestDatabase.open(name);
        try (Connection c = again.getConnection()) {
            assertEquals(3, Schemas.adapterRows(c).size(), "adopting is done once");
        } finally {
            again.close();
        }
    }

    @Test
    void theAdaptersFirstScriptsMakeExactlyTheTablesOfTheNodeSchema() throws Exception {
        List<String> nodeSchema;
        try (Connection c = derby("memory:node-" + UUID.randomUUID()).getConnection()) {
            new SchemaMigrations(SchemaMigrations.NODE_SCHEMA).apply(c);
            nodeSchema = Schemas.describe(c);
        }
        List<String> adapters;
        try (Connection c = derby("memory:adapters-" + UUID.randomUUID()).getConnection();
                Statement s = c.createStatement()) {
            for (Path script : ADAPTER_SCRIPTS) {
                for (String sql : SchemaMigrations.statements(read(script))) {
                    s.execute(sql);
                }
            }
            adapters = Schemas.describe(c);
        }
        assertTrue(nodeSchema.size() > 60, "columns, keys and indexes of ten tables: " + nodeSchema);
        assertEquals(nodeSchema, adapters);
    }

    private static String read(Path script) throws IOException {
        assertTrue(Files.isRegularFile(script), script.toAbsolutePath() + " (run from the db-derby module)");
        return Files.readString(script);
    }

    private static EmbeddedDataSource derby(String name) {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(name);
        derby.setCreateDatabase("create");
        return derby;
    }
}
