package org.tesseras.health.internal;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The node database is registered and answers. */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + DatabaseCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=storage",
    HealthCheck.MBEAN_NAME + "=tesseras-database"})
public final class DatabaseCheck extends NodeCheck {
    static final String NAME = "Database reachable";
    private static final int VALID_WITHIN_SECONDS = 5;

    @Reference(target = "(tesseras.db=node)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile DataSource database;

    @Override
    Finding examine() {
        return examine(database);
    }

    static Finding examine(DataSource database) {
        String advice = "Read the node log (log:display | grep -i org.tesseras.db); check that bundle tesseras-db-derby is"
                + " Active (bundle:list) and that no other process uses the database directory (org.tesseras.db database)";
        if (database == null) {
            return Finding.critical("The node database is not running: nothing can be stored or looked up", advice);
        }
        try (Connection connection = database.getConnection()) {
            if (connection.isValid(VALID_WITHIN_SECONDS)) {
                return Finding.ok("The node database answers");
            }
            return Finding.critical("The node database did not answer within " + VALID_WITHIN_SECONDS + " s", advice);
        } catch (SQLException e) {
            return Finding.critical("The node database refuses connections: " + e.getMessage(), advice);
        }
    }
}
