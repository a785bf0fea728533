package org.tesseras.replication.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import org.tesseras.api.model.NodeId;

/**
 * How many attestations the node answers: an attestation reads every fragment held of a tessera, so peers asking
 * in a loop, or many at once, would otherwise keep the disk, a core and the control workers (which answer Pings)
 * busy. Three bounds, each answered BUSY when reached:
 * <ul>
 * <li>a token bucket per peer refilled at {@code maxAttestationsPerPeerPerMinute}, holding at most {@link #BURST}
 * tokens, so no new peer starts with a minute's worth;</li>
 * <li>one attestation in progress per peer;</li>
 * <li>{@link #AT_ONCE} in progress for all peers together, so most control workers stay free.</li>
 * </ul>
 * Peers whose bucket is full again are forgotten once many are known, so the map stays small.
 */
final class AttestationRateLimit {
    /** The most attestations one peer may ask for back to back. */
    static final int BURST = 4;
    /** The most attestations computed at once, for all peers. */
    static final int AT_ONCE = 2;
    private static final int FORGET_ABOVE_PEERS = 4096;

    private final LongSupplier nowMillis;
    private final Map<NodeId, Bucket> buckets = new HashMap<>();
    private final Set<NodeId> inProgress = new HashSet<>();

    AttestationRateLimit(LongSupplier nowMillis) {
        this.nowMillis = nowMillis;
    }

    /** One attestation being answered; closing it frees its place. */
    final class Permit implements AutoCloseable {
        private final NodeId peer;

        private Permit(NodeId peer) {
            this.peer = peer;
        }

        @Override
        public void close() {
            synchronized (AttestationRateLimit.this) {
                inProgress.remove(peer);
            }
        }
    }

    /**
     * A permit to answer one attestation for {@code peer}, taken from its allowance; empty, with nothing taken, when
     * its bucket is empty, it has one in progress, or {@link #AT_ONCE} are in progress.
     */
    synchronized Optional<Permit> tryStart(NodeId peer, int perMinute) {
        if (inProgress.size() >= AT_ONCE || inProgress.contains(peer)) {
            return Optional.empty();
        }
        long now = nowMillis.getAsLong();
        int capacity = capacity(perMinute);
        if (buckets.size() > FORGET_ABOVE_PEERS) {
            buckets.values().removeIf(bucket -> bucket.level(now, perMinute, capacity) >= capacity);
        }
        Bucket bucket = buckets.computeIfAbsent(peer, p -> new Bucket(capacity, now));
        double level = bucket.level(now, perMinute, capacity);
        bucket.updatedMillis = now;
        bucket.tokens = level;
        if (level < 1) {
            return Optional.empty();
        }
        bucket.tokens = level - 1;
        inProgress.add(peer);
        return Optional.of(new Permit(peer));
    }

    /** Seconds until {@code peer} may ask again (at least 1). */
    synchronized long secondsUntilNext(NodeId peer, int perMinute) {
        Bucket bucket = buckets.get(peer);
        if (bucket == null || inProgress.contains(peer) || inProgress.size() >= AT_ONCE) {
            return 1;
        }
        double missing = 1 - bucket.level(nowMillis.getAsLong(), perMinute, capacity(perMinute));
        return Math.max(1, (long) Math.ceil(missing * 60 / perMinute));
    }

    private static int capacity(int perMinute) {
        return Math.max(1, Math.min(perMinute, BURST));
    }

    private static final class Bucket {
        double tokens;
        long updatedMillis;

        Bucket(double tokens, long updatedMillis) {
            this.tokens = tokens;
            this.updatedMillis = updatedMillis;
        }

        double level(long nowMillis, int perMinute, int capacity) {
            double refill = Math.max(0, nowMillis - updatedMillis) * perMinute / 60_000.0;
            return Math.min(capacity, tokens + refill);
        }
    }
}
