package org.tesseras.api.port;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.TierSpec;

/** Decides how a tessera is cut, from its size. */
@ProviderType
public interface TierPolicy {

    /** The plan for a tessera of {@code sizeBytes}; throws {@link IllegalArgumentException} naming the limit when too large. */
    FragmentPlan plan(ContentHash tesseraHash, long sizeBytes);

    /** The active tiers, smallest first. */
    List<TierSpec> tiers();

    /** Largest tessera accepted, in bytes. */
    long maxTesseraSizeBytes();
}
