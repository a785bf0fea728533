package org.tesseras.transport.netty.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.PeerListener;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.RequestHandler;

/**
 * What every connection of one transport shares: settings, identity, verifier, the worker threads (three pools, so
 * that no kind of work can starve another: control requests, the streams peers push to or fetch from this node, and
 * this node's own streams), the handlers inbound traffic goes to (by kind), the listeners told of every peer heard
 * from, and the per-peer stream counts.
 */
final class TransportRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TransportRuntime.class);
    /**
     * Version of the Hello exchange and the rules around it: 2 since a key has one NodeId ({@code BLAKE3(key)}, the
     * nonce only showing the proof-of-work); 1 before, when the NodeId was {@code BLAKE3(key || nonce)}.
     */
    static final int PROTOCOL_VERSION = 2;
    /** What this transport offers, as announced in Hello. */
    static final Set<String> CAPABILITIES = Set.of("fragment-stream/1");

    private final TransportSettings settings;
    private final NodeIdentity identity;
    private final IdentityVerifier verifier;
    private final ExecutorService workers;
    private final ExecutorService controlWorkers;
    private final ExecutorService servedStreamWorkers;
    private final Map<String, RequestHandler> requestHandlers = new ConcurrentHashMap<>();
    private final AtomicReference<PushHandler> pushHandler = new AtomicReference<>();
    private final AtomicReference<FetchHandler> fetchHandler = new AtomicReference<>();
    private final List<PeerListener> peerListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<NodeId, Integer> servedStreams = new ConcurrentHashMap<>();
    private final AtomicLong peakQueuedBytes = new AtomicLong();
    private volatile NodeMetrics metrics = NodeMetrics.NONE;
    private volatile int listenPort;

    TransportRuntime(TransportSettings settings, NodeIdentity identity, IdentityVerifier verifier,
            ExecutorService workers, ExecutorService controlWorkers, ExecutorService servedStreamWorkers) {
        this.settings = settings;
        this.identity = identity;
        this.verifier = verifier;
        this.workers = workers;
        this.controlWorkers = controlWorkers;
        this.servedStreamWorkers = servedStreamWorkers;
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

    /** Threads of this node's own streams: pushes and fetches it started, and the pumps of fetches it serves. */
    ExecutorService workers() {
        return workers;
    }

    /** Threads that answer control requests (Ping, FindNode, attestations...): never taken by a stream. */
    ExecutorService controlWorkers() {
        return controlWorkers;
    }

    /**
     * Threads that run the handlers of streams peers push to or fetch from this node, {@code maxServedStreams} of
     * them and no queue: when all are taken, the next stream is answered BUSY at once.
     */
    ExecutorService servedStreamWorkers() {
        return servedStreamWorkers;
    }

    // ---- routes ----

    /** Routes requests of {@code kinds} to {@code handler} (a later one for the same kind replaces the earlier). */
    void addRequestHandler(RequestHandler handler, Collection<String> kinds) {
        for (String kind : kinds) {
            RequestHandler previous = requestHandlers.put(kind, handler);
            if (previous != null && previous != handler) {
                LOG.info("Requests of kind {} now go to {} instead of {}", kind, handler, previous);
            }
        }
    }

    /** Stops routing to {@code handler}. */
    void removeRequestHandler(RequestHandler handler) {
        requestHandlers.values().removeIf(h -> h == handler);
    }

    /** The handler of requests of {@code kind}, if one is bound. */
    Optional<RequestHandler> requestHandler(String kind) {
        return Optional.ofNullable(requestHandlers.get(kind));
    }

    void setMetrics(NodeMetrics metrics) {
        this.metrics = metrics == null ? NodeMetrics.NONE : metrics;
    }

    /** Where byte counts go; {@link NodeMetrics#NONE} while no metrics service runs. */
    NodeMetrics metrics() {
        return metrics;
    }

    void setPushHandler(PushHandler handler) {
        pushHandler.set(handler);
    }

    void unsetPushHandler(PushHandler handler) {
        pushHandler.compareAndSet(handler, null);
    }

    Optional<PushHandler> pushHandler() {
        return Optional.ofNullable(pushHandler.get());
    }

    void setFetchHandler(FetchHandler handler) {
        fetchHandler.set(handler);
    }

    void unsetFetchHandler(FetchHandler handler) {
        fetchHandler.compareAndSet(handler, null);
    }

    Optional<FetchHandler> fetchHandler() {
        return Optional.ofNullable(fetchHandler.get());
    }

    void addPeerListener(PeerListener listener) {
        peerListeners.add(listener);
    }

    void removePeerListener(PeerListener listener) {
        peerListeners.remove(listener);
    }

    /** Tells every listener that {@code peer} was just heard from; a failing listener is logged and skipped. */
    void peerSeen(NodeInfo peer) {
        for (PeerListener listener : peerListeners) {
            try {
                listener.peerSeen(peer);
            } catch (RuntimeException e) {
                LOG.warn("A peer listener failed on {}: {}", peer, e.toString());
            }
        }
    }

    // ---- counts ----

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
