package org.tesseras.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the free-space health check (PID {@code org.tesseras.health.freespace}). */
@ObjectClassDefinition(name = "Tesseras free-space health check",
        description = "When the disk of the fragment store counts as nearly full.")
public @interface FreeSpaceConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.health.freespace";

    @AttributeDefinition(name = "Minimum free space (bytes)",
            description = "CRITICAL below this, WARN below twice this; -1 takes minFreeSpaceBytes of"
                    + " org.tesseras.replication (below it the node refuses fragments from peers).", min = "-1")
    long minFreeSpaceBytes() default -1;
}
