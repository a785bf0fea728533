package org.tesseras.db.derby.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Databases made while this bundle held every table ({@code schema_version}, versions 1 to 4): they are brought
 * to version 4 by the frozen node schema, and each adapter then adopts the tables its own first migration
 * creates (the same DDL), recorded as {@link VersionTable#ADOPTED} so the adapter does not run it again. A new
 * database has no node schema: the adapters create their own tables.
 */
final class LegacySchema {
    private static final Logger LOG = LoggerFactory.getLogger(LegacySchema.class);
    /** An adapter whose first migration the node schema 1 to 4 already made, and the tables it made. */
    private record Adopter(String adapter, String tables) {
    }

    private static final List<Adopter> ADOPTERS = List.of(
            new Adopter("storage-fs", "fragment_plans, fragments and manifests"),
            new Adopter("ledger-derby", "reciprocity"),
            new Adopter("holders-derby", "holders, holder_fragments, tessera_health, put_journal and repair_rounds"));

    private LegacySchema() {
    }

    /**
     * Brings an old database to the node schema's last version and hands its tables to their adapters; returns
     * the node schema migrations applied now (0 for a new database, which has none).
     */
    static int migrate(Connection connection, List<SchemaMigrations.Migration> nodeSchema) throws SQLException {
        if (!VersionTable.nodeSchemaExists(connection)) {
            return 0;
        }
        int applied = new SchemaMigrations(nodeSchema).apply(connection);
        boolean autoCommit = connection.getAutoCommit();
        try {
            connection.setAutoCommit(false);
            for (Adopter adopter : ADOPTERS) {
                VersionTable table = VersionTable.of(adopter.adapter());
                table.create(connection);
                table.lock(connection);
                if (table.recordedChecksum(connection, 1) == null) {
                    table.record(connection, 1, "adopted from the node schema 1-4: " + adopter.tables(),
                            VersionTable.ADOPTED);
                    LOG.info("Adapter {} adopts its tables from the node schema ({})", adopter.adapter(),
                            adopter.tables());
                }
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return applied;
    }
}
