package org.tesseras.db.derby.internal;

import java.lang.annotation.Annotation;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real node database for the tests of the bundles that use it (shipped in this module's test jar): a
 * unique in-memory one, or one in a directory.
 */
public final class TestDatabase {
    private TestDatabase() {
    }

    /** A fresh, empty in-memory database with the node's schema. */
    public static DerbyNodeDataSource inMemory() throws SQLException {
        return open("memory:test-" + UUID.randomUUID());
    }

    /** The database at {@code database} (a directory, or {@code memory:NAME}), created and migrated if new. */
    public static DerbyNodeDataSource open(String database) throws SQLException {
        return new DerbyNodeDataSource(config(database, 16, 30_000));
    }

    /** A database configuration with these values. */
    public static DatabaseConfiguration config(String database, int maxPoolSize, long connectionTimeoutMillis) {
        return new DatabaseConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DatabaseConfiguration.class;
            }

            @Override
            public String database() {
                return database;
            }

            @Override
            public int maxPoolSize() {
                return maxPoolSize;
            }

            @Override
            public long connectionTimeoutMillis() {
                return connectionTimeoutMillis;
            }
        };
    }

    /** Runs one SQL update and returns the rows it changed. */
    public static int update(DerbyNodeDataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
