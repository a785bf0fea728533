package org.tesseras.replication.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.tesseras.api.model.NodeId;

/**
 * How many attestations each peer may ask for: a token bucket per peer holding one minute's worth
 * ({@code maxAttestationsPerPeerPerMinute}), refilled evenly. An attestation reads every fragment held of a tessera,
 * so a peer asking in a loop would otherwise keep the disk and a core busy. Peers whose bucket is full again are
 * forgotten once many are known, so the map stays small.
 */
final class AttestationRateLimit {
    private static final int FORGET_ABOVE_PEERS = 4096;

    private final LongSupplier nowMillis;
    private final Map<NodeId, Bucket> buckets = new HashMap<>();

    AttestationRateLimit(LongSupplier nowMillis) {
        this.nowMillis = nowMillis;
    }

    /** Takes one attestation from {@code peer}'s allowance; false when it has none left now. */
    synchronized boolean tryTake(NodeId peer, int perMinute) {
        long now = nowMillis.getAsLong();
        if (buckets.size() > FORGET_ABOVE_PEERS) {
            buckets.values().removeIf(bucket -> bucket.level(now, perMinute) >= perMinute);
        }
        Bucket bucket = buckets.computeIfAbsent(peer, p -> new Bucket(perMinute, now));
        double level = bucket.level(now, perMinute);
        bucket.updatedMillis = now;
        if (level < 1) {
            bucket.tokens = level;
            return false;
        }
        bucket.tokens = level - 1;
        return true;
    }

    /** Seconds until {@code peer} may ask again (at least 1). */
    synchronized long secondsUntilNext(NodeId peer, int perMinute) {
        Bucket bucket = buckets.get(peer);
        if (bucket == null) {
            return 1;
        }
        double missing = 1 - bucket.level(nowMillis.getAsLong(), perMinute);
        return Math.max(1, (long) Math.ceil(missing * 60 / perMinute));
    }

    private static final class Bucket {
        double tokens;
        long updatedMillis;

        Bucket(double tokens, long updatedMillis) {
            this.tokens = tokens;
            this.updatedMillis = updatedMillis;
        }

        double level(long nowMillis, int perMinute) {
            double refill = Math.max(0, nowMillis - updatedMillis) * perMinute / 60_000.0;
            return Math.min(perMinute, tokens + refill);
        }
    }
}
