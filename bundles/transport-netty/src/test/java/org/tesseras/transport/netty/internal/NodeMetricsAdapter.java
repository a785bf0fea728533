package org.tesseras.transport.netty.internal;

import java.time.Duration;

import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.RefusalReason;

/** A {@link NodeMetrics} that ignores everything, for tests to override what they watch. */
class NodeMetricsAdapter implements NodeMetrics {
    @Override
    public void bytesSent(long bytes) {
    }

    @Override
    public void bytesReceived(long bytes) {
    }

    @Override
    public void fragmentStored(long bytes) {
    }

    @Override
    public void fragmentRefused(RefusalReason reason) {
    }

    @Override
    public void record(Operation operation, Outcome outcome, Duration took) {
    }
}
