package org.tesseras.holders.derby.internal;

import java.util.List;

import javax.sql.DataSource;

import org.tesseras.db.derby.AdapterSchema;

/** This adapter's tables in the node database, brought by this bundle; both its components start by them. */
final class HoldersSchema {
    static final List<AdapterSchema.Script> SCRIPTS = List.of(
            new AdapterSchema.Script(1, "holders", "/db/holders-derby/001_holders.sql"));

    private HoldersSchema() {
    }

    /** Brings the tables up to date (nothing to do when the other component did). */
    static void migrate(DataSource database) {
        AdapterSchema.migrate(database, "holders-derby", HoldersSchema.class, SCRIPTS);
    }
}
