package org.tesseras.db.derby.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What a test reads of a database's schema, from Derby's own metadata. */
final class Schemas {
    private Schemas() {
    }

    /** The rows of {@code schema_version}: "version description". */
    static List<String> versionRows(Connection c) throws SQLException {
        return rows(c, "SELECT version, description FROM schema_version ORDER BY version");
    }

    /** The rows of {@code adapter_schema}: "adapter version checksum-or-ADOPTED". */
    static List<String> adapterRows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT adapter, version, checksum FROM adapter_schema ORDER BY adapter, version")) {
            while (r.next()) {
                rows.add(r.getString(1) + " " + r.getInt(2) + " "
                        + (r.getLong(3) == VersionTable.ADOPTED ? "ADOPTED" : "applied"));
            }
        }
        return rows;
    }

    static Set<String> tables(Connection c) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (ResultSet r = c.getMetaData().getTables(null, "APP", "%", new String[] {"TABLE"})) {
            while (r.next()) {
                names.add(r.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    /**
     * Every column of every table but the migration records, as "TABLE.COLUMN type(size) nullable default",
     * then the primary keys, the foreign keys and the indexes: what two databases must share to be the same schema.
     */
    static List<String> describe(Connection c) throws SQLException {
        List<String> lines = new ArrayList<>();
        DatabaseMetaData meta = c.getMetaData();
        for (String table : tables(c)) {
            if (table.equals("SCHEMA_VERSION") || table.equals("ADAPTER_SCHEMA")) {
                continue;
            }
            try (ResultSet r = meta.getColumns(null, "APP", table, "%")) {
                while (r.next()) {
                    lines.add(table + "." + r.getString("COLUMN_NAME") + " " + r.getString("TYPE_NAME") + "("
                            + r.getInt("COLUMN_SIZE") + ") nullable=" + r.getString("IS_NULLABLE") + " default="
                            + r.getString("COLUMN_DEF") + " generated=" + r.getString("IS_AUTOINCREMENT"));
                }
            }
            try (ResultSet r = meta.getPrimaryKeys(null, "APP", table)) {
                while (r.next()) {
                    lines.add(table + " primary key " + r.getString("COLUMN_NAME") + " #" + r.getShort("KEY_SEQ"));
                }
            }
            try (ResultSet r = meta.getImportedKeys(null, "APP", table)) {
                while (r.next()) {
                    lines.add(table + "." + r.getString("FKCOLUMN_NAME") + " references " + r.getString("PKTABLE_NAME")
                            + "." + r.getString("PKCOLUMN_NAME") + " on delete " + r.getShort("DELETE_RULE"));
                }
            }
            try (ResultSet r = meta.getIndexInfo(null, "APP", table, false, false)) {
                while (r.next()) {
                    String name = r.getString("INDEX_NAME");
                    // Derby names the indexes behind keys itself (SQL...): only the declared ones are compared
                    if (name != null && !name.startsWith("SQL")) {
                        lines.add(table + " index " + name + " on " + r.getString("COLUMN_NAME") + " unique="
                                + !r.getBoolean("NON_UNIQUE"));
                    }
                }
            }
        }
        lines.sort(null);
        return lines;
    }

    private static List<String> rows(Connection c, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                rows.add(r.getInt(1) + " " + r.getString(2));
            }
        }
        return rows;
    }
}
