package org.tesseras.db.derby.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.db.derby.AdapterSchema;

/** What {@link AdapterSchema#migrate} runs: the adapter's scripts through {@link SchemaMigrations}. */
public final class AdapterMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterMigrations.class);

    private AdapterMigrations() {
    }

    public static int apply(Connection connection, String adapter, Class<?> resources,
            List<AdapterSchema.Script> scripts) throws SQLException {
        VersionTable table = VersionTable.of(adapter);
        List<SchemaMigrations.Migration> migrations = scripts.stream()
                .map(s -> new SchemaMigrations.Migration(s.version(), s.description(), s.resource())).toList();
        int applied = new SchemaMigrations(table, resources, migrations).apply(connection);
        LOG.info("Schema of adapter {} at version {} ({} migration(s) applied now)", adapter,
                table.currentVersion(connection), applied);
        return applied;
    }
}
