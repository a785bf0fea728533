package org.tesseras.metrics.micrometer.internal;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.RefusalReason;

/**
 * The node's meters in one Micrometer registry, all registered up front so that every series is exported from the
 * start (at zero). Names as Prometheus shows them: {@code tesseras_transfer_sent_bytes_total},
 * {@code tesseras_transfer_received_bytes_total}, {@code tesseras_fragments_stored_bytes_count/_sum},
 * {@code tesseras_fragments_refused_total{reason}}, {@code tesseras_operations_seconds_count/_sum/_max{operation,
 * outcome}}.
 */
final class NodeMeters implements NodeMetrics {
    static final String SENT = "tesseras.transfer.sent";
    static final String RECEIVED = "tesseras.transfer.received";
    static final String STORED = "tesseras.fragments.stored";
    static final String REFUSED = "tesseras.fragments.refused";
    static final String OPERATIONS = "tesseras.operations";
    static final String BYTES = "bytes";

    private final Counter sent;
    private final Counter received;
    private final DistributionSummary stored;
    private final Map<RefusalReason, Counter> refused = new EnumMap<>(RefusalReason.class);
    private final Map<Operation, Map<Outcome, Timer>> operations = new EnumMap<>(Operation.class);

    NodeMeters(MeterRegistry registry) {
        this.sent = Counter.builder(SENT).baseUnit(BYTES).description("Bytes sent to peers").register(registry);
        this.received = Counter.builder(RECEIVED).baseUnit(BYTES).description("Bytes received from peers")
                .register(registry);
        this.stored = DistributionSummary.builder(STORED).baseUnit(BYTES)
                .description("Fragments stored here (ours and peers'), and their bytes").register(registry);
        for (RefusalReason reason : RefusalReason.values()) {
            refused.put(reason, Counter.builder(REFUSED).tag("reason", reason.name())
                    .description("Fragments offered by peers and refused, by reason").register(registry));
        }
        for (Operation operation : Operation.values()) {
            Map<Outcome, Timer> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, Timer.builder(OPERATIONS).tag("operation", tagValue(operation))
                        .tag("outcome", tagValue(outcome))
                        .description("Puts, gets, repairs, attestations, DHT lookups and fragment transfers: how many,"
                                + " how they ended and how long they took")
                        .register(registry));
            }
            operations.put(operation, byOutcome);
        }
    }

    static String tagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void bytesSent(long bytes) {
        if (bytes > 0) {
            sent.increment(bytes);
        }
    }

    @Override
    public void bytesReceived(long bytes) {
        if (bytes > 0) {
            received.increment(bytes);
        }
    }

    @Override
    public void fragmentStored(long bytes) {
        stored.record(Math.max(0, bytes));
    }

    @Override
    public void fragmentRefused(RefusalReason reason) {
        if (reason != null) {
            refused.get(reason).increment();
        }
    }

    @Override
    public void record(Operation operation, Outcome outcome, Duration took) {
        if (operation == null || outcome == null || took == null) {
            return;
        }
        operations.get(operation).get(outcome).record(took.isNegative() ? Duration.ZERO : took);
    }
}
