package org.tesseras.api.health;

/** How a health check stands, from fine to worst. */
public enum CheckStatus {
    /** Nothing to do. */
    OK,
    /** The node works, but something needs attention soon. */
    WARN,
    /** The check could not say right now (a service is restarting); try again shortly. */
    UNAVAILABLE,
    /** The node is failing at this concern, or data is lost: act now. */
    CRITICAL,
    /** The check itself failed or timed out. */
    ERROR;

    /** Whether an operator should act on it. */
    public boolean needsAttention() {
        return this != OK;
    }
}
