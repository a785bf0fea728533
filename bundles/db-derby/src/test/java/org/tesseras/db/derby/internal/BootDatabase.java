package org.tesseras.db.derby.internal;

import java.sql.SQLException;

import org.apache.derby.jdbc.EmbeddedDataSource;

/** Run in a child JVM by the tests: exits 0 if it could boot the database in args[0], 1 if not. */
public final class BootDatabase {
    private BootDatabase() {
    }

    /** Boots, then shuts down, the Derby database in {@code args[0]}. */
    public static void main(String[] args) {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(args[0]);
        try {
            derby.getConnection().close();
            derby.setShutdownDatabase("shutdown");
        } catch (SQLException e) {
            System.exit(1);
        }
        try {
            derby.getConnection().close();
            System.exit(2);
        } catch (SQLException e) {
            System.exit("08006".equals(e.getSQLState()) ? 0 : 3);
        }
    }
}
