package org.tesseras.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.RefusalReason;

/** The timing helper every caller uses, and the no-op. */
class NodeMetricsTest {

    @Test
    void aTimingRecordsItsOperationOutcomeAndElapsedTimeOnce() throws InterruptedException {
        List<String> recorded = new ArrayList<>();
        List<Duration> took = new ArrayList<>();
        NodeMetrics metrics = new NodeMetrics() {
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
            public void record(Operation operation, Outcome outcome, Duration duration) {
                recorded.add(operation + " " + outcome);
                took.add(duration);
            }
        };
        NodeMetrics.Timing put = metrics.start(NodeMetrics.Operation.PUT);
        Thread.sleep(5);
        put.failed();
        put.succeeded();
        metrics.start(NodeMetrics.Operation.DHT_LOOKUP).succeeded();
        assertEquals(List.of("PUT FAILURE", "DHT_LOOKUP SUCCESS"), recorded);
        assertTrue(took.get(0).toMillis() >= 5, "elapsed " + took.get(0));
        assertFalse(took.get(1).isNegative());
    }

    @Test
    void noneAcceptsEverything() {
        NodeMetrics.NONE.bytesSent(1);
        NodeMetrics.NONE.fragmentRefused(RefusalReason.NO_SPACE);
        NodeMetrics.NONE.start(NodeMetrics.Operation.REPAIR).succeeded();
    }
}
