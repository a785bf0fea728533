package org.tesseras.replication.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.RefusalReason;

/** Metrics kept in maps, to see what replication reports (the Micrometer adapter is tested in the distribution). */
final class RecordingMetrics implements NodeMetrics {
    final Map<String, AtomicLong> operations = new ConcurrentHashMap<>();
    final Map<RefusalReason, AtomicLong> refused = new ConcurrentHashMap<>();
    final AtomicLong fragmentsStored = new AtomicLong();
    final AtomicLong bytesStored = new AtomicLong();

    /** How many {@code operation}s ended with {@code outcome}. */
    long count(Operation operation, Outcome outcome) {
        return operations.getOrDefault(operation + "/" + outcome, new AtomicLong()).get();
    }

    @Override
    public void bytesSent(long bytes) {
    }

    @Override
    public void bytesReceived(long bytes) {
    }

    @Override
    public void fragmentStored(long bytes) {
        fragmentsStored.incrementAndGet();
        bytesStored.addAndGet(bytes);
    }

    @Override
    public void fragmentRefused(RefusalReason reason) {
        refused.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void record(Operation operation, Outcome outcome, Duration took) {
        operations.computeIfAbsent(operation + "/" + outcome, k -> new AtomicLong()).incrementAndGet();
    }
}
