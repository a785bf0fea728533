package org.tesseras.health.internal;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A health check of the node: a subclass examines one concern and returns a {@link Finding}. A new check is one such
 * class registered as a {@link HealthCheck} service with a name, the tag {@value #TAG} and an MBean name.
 */
abstract class NodeCheck implements HealthCheck {
    /** The tag every check of the node carries; {@code tesseras:doctor} runs the checks with it. */
    static final String TAG = "tesseras";

    private static final Logger LOG = LoggerFactory.getLogger(NodeCheck.class);

    /** Looks at the concern now. */
    abstract Finding examine();

    @Override
    public final Result execute() {
        try {
            return examine().toResult();
        } catch (RuntimeException e) {
            LOG.warn("Health check {} failed", getClass().getSimpleName(), e);
            return new Finding(Result.Status.HEALTH_CHECK_ERROR, "The check itself failed: " + e,
                    "Look at the node log (log:display) for the error").toResult();
        }
    }
}
