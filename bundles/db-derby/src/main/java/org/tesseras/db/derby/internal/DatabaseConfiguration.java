package org.tesseras.db.derby.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node database (PID {@code org.tesseras.db}). */
@ObjectClassDefinition(name = "Tesseras node database",
        description = "The embedded Apache Derby database that holds the fragment index, plans, holders and the ledger.")
public @interface DatabaseConfiguration {

    /** PID of the node database. */
    String PID = "org.tesseras.db";

    @AttributeDefinition(name = "Database",
            description = "Directory of the Derby database, or memory:NAME for a throw-away in-memory one;"
                    + " empty means ${karaf.data}/tesseras/db.")
    String database() default "";

    @AttributeDefinition(name = "Maximum pool size",
            description = "Most connections the pool keeps open at once (1-100).", min = "1", max = "100")
    int maxPoolSize() default 8;

    @AttributeDefinition(name = "Connection timeout (ms)",
            description = "How long a caller waits for a free connection before failing (at least 250 ms).",
            min = "250")
    long connectionTimeoutMillis() default 30_000;
}
