package org.tesseras.tiers.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tesseras.api.model.FragmentationTier;

/**
 * One fragmentation tier, a factory configuration of PID {@code org.tesseras.tier} (one file per tier, e.g.
 * {@code etc/org.tesseras.tier-medium.cfg}); tesseras of {@code minSizeBytes <= size < maxSizeBytes} use it.
 */
@ObjectClassDefinition(name = "Tesseras fragmentation tier",
        description = "A size range of tesseras and how they are cut: whole copies (SMALL) or data + parity "
                + "shards (MEDIUM, LARGE), spread over replicationFactor peers. The tiers together must cover "
                + "0 up to the maximum tessera size without gaps or overlaps.")
public @interface TierConfiguration {

    /** The factory PID of tier configurations. */
    String FACTORY_PID = "org.tesseras.tier";

    @AttributeDefinition(name = "Name", description = "Short name shown by tesseras:tiers, e.g. small.")
    String name();

    @AttributeDefinition(name = "Tier", description = "SMALL (whole copies, 1+0), MEDIUM or LARGE (erasure coded).")
    FragmentationTier tier();

    @AttributeDefinition(name = "Smallest size (bytes)", description = "Smallest tessera size in this tier.",
            min = "0")
    long minSizeBytes();

    @AttributeDefinition(name = "Size limit (bytes, exclusive)",
            description = "Tesseras of this size and larger belong to the next tier; 9223372036854775807 for the "
                    + "last tier (the maximum tessera size of org.tesseras.tiers still applies).", min = "1")
    long maxSizeBytes() default Long.MAX_VALUE;

    @AttributeDefinition(name = "Data shards", description = "Data shards per tessera (1 for SMALL).", min = "1",
            max = "256")
    int dataShards();

    @AttributeDefinition(name = "Parity shards", description = "Parity shards per tessera (0 for SMALL).",
            min = "0", max = "255")
    int parityShards();

    @AttributeDefinition(name = "Replication factor",
            description = "Peers the fragments (or the whole copies) are spread over.", min = "1")
    int replicationFactor() default 7;
}
