package org.tesseras.api.metrics;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.RefusalReason;

/**
 * The node's counters and timers. Adapters (replication, transport, DHT) call it through an optional reference and
 * fall back to {@link #NONE}; every call is cheap, thread-safe and never throws.
 */
@ProviderType
public interface NodeMetrics {

    /** Counts and times nothing. */
    NodeMetrics NONE = new NodeMetrics() {
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
    };

    /** {@code bytes} went out to peers (fragments and messages). */
    void bytesSent(long bytes);

    /** {@code bytes} came in from peers (fragments and messages). */
    void bytesReceived(long bytes);

    /** A fragment of {@code bytes} was stored here (ours or a peer's). */
    void fragmentStored(long bytes);

    /** A fragment a peer offered was refused, for {@code reason}. */
    void fragmentRefused(RefusalReason reason);

    /** One {@code operation} ended with {@code outcome} after {@code took}. */
    void record(Operation operation, Outcome outcome, Duration took);

    /** Starts timing one {@code operation}; end it with {@link Timing#succeeded()} or {@link Timing#failed()}. */
    default Timing start(Operation operation) {
        Objects.requireNonNull(operation, "operation");
        long startedNanos = System.nanoTime();
        AtomicBoolean ended = new AtomicBoolean();
        return outcome -> {
            if (ended.compareAndSet(false, true)) {
                record(operation, outcome, Duration.ofNanos(System.nanoTime() - startedNanos));
            }
        };
    }

    /** What the node times. */
    enum Operation {
        /** A put: keep a file as a tessera and place its fragments. */
        PUT,
        /** A get: write a tessera back from here or the network. */
        GET,
        /** A repair round over every tessera. */
        REPAIR_ROUND,
        /** The repair of one tessera. */
        REPAIR,
        /** We asked a holder to prove possession. */
        ATTESTATION_ASKED,
        /** A peer asked us to prove possession and we answered. */
        ATTESTATION_ANSWERED,
        /** A DHT lookup (closest nodes or a pointer). */
        DHT_LOOKUP,
        /** One fragment pushed to a peer. */
        FRAGMENT_PUSH,
        /** One fragment fetched from a peer. */
        FRAGMENT_FETCH
    }

    /** How an operation ended. */
    enum Outcome {
        /** It did what it was asked. */
        SUCCESS,
        /** It failed, was refused or timed out. */
        FAILURE
    }

    /** One operation being timed; the first call to any of its methods records it, later calls do nothing. */
    @FunctionalInterface
    interface Timing {
        /** Records the operation with {@code outcome} and the time since it started. */
        void end(Outcome outcome);

        /** Records the operation as a success. */
        default void succeeded() {
            end(Outcome.SUCCESS);
        }

        /** Records the operation as a failure. */
        default void failed() {
            end(Outcome.FAILURE);
        }
    }
}
