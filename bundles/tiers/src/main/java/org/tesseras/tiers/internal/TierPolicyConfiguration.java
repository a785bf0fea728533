package org.tesseras.tiers.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the tier policy as a whole (PID {@code org.tesseras.tiers}). */
@ObjectClassDefinition(name = "Tesseras tier policy",
        description = "Limits that hold whatever the tiers: the largest tessera the node accepts.")
public @interface TierPolicyConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.tiers";

    @AttributeDefinition(name = "Maximum tessera size (bytes)",
            description = "Largest tessera accepted (inclusive); larger ones are refused. Default 1 GiB.", min = "1")
    long maxTesseraSizeBytes() default TierTable.DEFAULT_MAX_TESSERA_SIZE_BYTES;
}
