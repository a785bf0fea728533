package org.tesseras.api.health;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Runs the node's health checks now and says, for each, how it stands and what to do. */
@ProviderType
public interface NodeDoctor {

    /** Every check tagged {@code tesseras}, worst first; a check that cannot run is reported as {@link CheckStatus#ERROR}. */
    List<CheckFinding> examine();
}
