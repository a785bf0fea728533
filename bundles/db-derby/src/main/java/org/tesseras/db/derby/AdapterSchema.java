package org.tesseras.db.derby;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.tesseras.db.derby.internal.AdapterMigrations;

/**
 * The tables of one Derby-using adapter in the node database, brought by the adapter: numbered SQL scripts in its
 * own bundle, which this bundle applies in order, each in one transaction with its row in {@code adapter_schema}.
 * An adapter calls {@link #migrate} when it activates, before it touches its tables; running it again applies
 * nothing. A released script must never change (an edited one is refused); a change is a new script.
 */
public final class AdapterSchema {

    /** One script: {@code version} from 1 up, {@code resource} a path in the bundle of the class given. */
    public record Script(int version, String description, String resource) {
        public Script {
            if (version < 1) {
                throw new IllegalArgumentException("migration version must be >= 1, got " + version);
            }
            Objects.requireNonNull(description, "description of migration " + version);
            Objects.requireNonNull(resource, "resource of migration " + version);
        }
    }

    private AdapterSchema() {
    }

    /**
     * Brings {@code adapter}'s tables up to its newest script, the scripts read as resources of
     * {@code resources}; returns how many were applied now.
     *
     * @throws IllegalStateException naming the adapter and the script, when a script fails (it is rolled back),
     *     was edited after it was applied, or the database holds versions newer than the scripts (written by a
     *     newer adapter): the adapter cannot start on these tables
     */
    public static int migrate(DataSource database, String adapter, Class<?> resources, List<Script> scripts) {
        try (Connection connection = database.getConnection()) {
            return AdapterMigrations.apply(connection, adapter, resources, scripts);
        } catch (SQLException e) {
            throw new IllegalStateException("the tables of adapter " + adapter + " cannot be brought up to date: "
                    + e.getMessage(), e);
        }
    }
}
