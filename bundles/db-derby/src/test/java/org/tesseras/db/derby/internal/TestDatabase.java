package org.tesseras.ledger.derby.internal;

import java.lang.annotation.Annotation;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.tesseras.db.derby.internal.DatabaseConfiguration;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;

/** The real node database for tests: a unique in-memory one, or one in a directory. */
final class TestDatabase {
    private TestDatabase() {
    }

    static DerbyNodeDataSource inMemory() throws SQLException {
        return open("memory:ledger-test-" + UUID.randomUUID());
    }

    static DerbyNodeDataSource open(String database) throws SQLException {
        return new DerbyNodeDataSource(new DatabaseConfiguration() {
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
                return 16;
            }

            @Override
            public long connectionTimeoutMillis() {
                return 30_000;
            }
        });
    }

    static int update(DerbyNodeDataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
