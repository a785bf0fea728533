package org.tesseras.transport.netty.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.InboundHandler;
import org.tesseras.api.port.NodeIdentity;

/**
 * What every connection of one transport shares: settings, identity, verifier, the worker threads
 * that run handlers and streams, the current inbound handler, and the per-peer stream counts.
 */
final class TransportRuntime {
    /** Version of the Hello exchange and the rules around it. */
    static final int PROTOCOL_VERSION = 1;
    /** What this transport offers, as announced in Hello. */
    static final Set<String> CAPABILITIES = Set.of("fragment-stream/1");

    private final TransportSettings settings;
    private final NodeIdentity identity;
    private final IdentityVerifier verifier;
    private final ExecutorService workers;
    private final Supplier<InboundHandler> handler;
    private final ConcurrentHashMap<NodeId, Integer> servedStreams = new ConcurrentHashMap<>();
    private final AtomicLong peakQueuedBytes = new AtomicLong();
    private volatile int listenPort;

    TransportRuntime(TransportSettings settings, NodeIdentity identity, IdentityVerifier verifier,
            ExecutorService workers, Supplier<InboundHandler> handler) {
        this.settings = settings;
        this.identity = identity;
        this.verifier = verifier;
        this.workers = workers;
        this.handler = handler;
    }

    TransportSettings settings() {
        return settings;
    }

    NodeIdentity identity() {
        return identity;
    }

    IdentityVerifier verifier() {
        return verifier;
    }

    ExecutorService workers() {
        return workers;
    }

    /** The inbound handler now bound, or null. */
    InboundHandler handler() {
        return handler.get();
    }

    /** The port this node listens on, as announced in Hello. */
    int listenPort() {
        return listenPort;
    }

    void listenPort(int port) {
        this.listenPort = port;
    }

    /** Gauge of the most bytes any receiving stream has had queued. */
    AtomicLong peakQueuedBytes() {
        return peakQueuedBytes;
    }

    /** Takes one of the {@code maxConcurrentStreamsPerPeer} slots for serving {@code peer}; false when none is free. */
    boolean tryAcquireServedStream(NodeId peer) {
        boolean[] acquired = {false};
        servedStreams.compute(peer, (p, count) -> {
            int now = count == null ? 0 : count;
            if (now >= settings.maxConcurrentStreamsPerPeer()) {
                return count;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    /** Gives back a slot taken with {@link #tryAcquireServedStream}. */
    void releaseServedStream(NodeId peer) {
        servedStreams.computeIfPresent(peer, (p, count) -> count <= 1 ? null : count - 1);
    }
}
