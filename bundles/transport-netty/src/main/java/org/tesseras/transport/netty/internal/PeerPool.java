package org.tesseras.transport.netty.internal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.tesseras.api.model.NodeId;

/**
 * The connections this node opened to one peer: a NodeId at an address, or a bare seed address.
 * Requests share up to {@code connectionsPerPeer} connections, opened lazily. Each fragment stream
 * holds a connection of its own for its whole length (so pausing one stream pauses nothing else), and
 * at most {@code maxConcurrentStreamsPerPeer} run at once; more wait their turn. Connections close
 * themselves when idle and then leave the pool.
 */
final class PeerPool {
    /** Opens connections for a pool. */
    interface Connector {
        /** A new, not yet connected channel handler for {@code address}, expecting {@code expected} (or anyone). */
        ClientConnection create(InetSocketAddress address, NodeId expected);

        /** Connects {@code channel}; {@code onClosed} runs once when it fails to connect or closes. */
        void connect(ClientConnection channel, InetSocketAddress address, Runnable onClosed);
    }

    private final NodeId expected;
    private final InetSocketAddress address;
    private final TransportSettings settings;
    private final Connector connector;
    private final List<ClientConnection> channels = new ArrayList<>();
    private final Set<ClientConnection> reserved = new HashSet<>();
    private final ArrayDeque<CompletableFuture<Void>> streamWaiters = new ArrayDeque<>();
    private CompletableFuture<ClientConnection> openingForCalls;
    private int activeStreams;
    private boolean retired;

    PeerPool(NodeId expected, InetSocketAddress address, TransportSettings settings, Connector connector) {
        this.expected = expected;
        this.address = address;
        this.settings = settings;
        this.connector = connector;
    }

    /** A verified connection for a request: the least busy one, or a new one while under the limit. */
    synchronized CompletableFuture<ClientConnection> forCall() {
        ClientConnection best = null;
        int forCalls = 0;
        for (ClientConnection channel : channels) {
            if (reserved.contains(channel)) {
                continue;
            }
            forCalls++;
            if (channel.isUsable() && (best == null || channel.pendingCalls() < best.pendingCalls())) {
                best = channel;
            }
        }
        if (best != null && (best.pendingCalls() == 0 || forCalls >= settings.connectionsPerPeer())) {
            return CompletableFuture.completedFuture(best);
        }
        if (openingForCalls == null && forCalls < settings.connectionsPerPeer()) {
            ClientConnection channel = open();
            CompletableFuture<ClientConnection> opening = channel.ready().thenApply(peer -> channel);
            openingForCalls = opening;
            opening.whenComplete((ok, failure) -> {
                synchronized (this) {
                    if (openingForCalls == opening) {
                        openingForCalls = null;
                    }
                }
            });
        }
        if (best != null) {
            return CompletableFuture.completedFuture(best);
        }
        if (openingForCalls != null) {
            return openingForCalls;
        }
        // at the limit and none usable: wait for one still opening, else open another
        for (ClientConnection channel : channels) {
            if (!reserved.contains(channel) && !channel.ready().isDone()) {
                return channel.ready().thenApply(peer -> channel);
            }
        }
        ClientConnection channel = open();
        return channel.ready().thenApply(peer -> channel);
    }

    /**
     * Runs {@code operation} on a connection held for it alone, once a stream slot is free. The
     * operation gets the connection and a release action it must run once when it is entirely done.
     */
    <T> CompletableFuture<T> withStream(BiFunction<ClientConnection, Runnable, CompletableFuture<T>> operation) {
        return acquireStreamSlot().thenCompose(slot -> {
            CompletableFuture<ClientConnection> lease;
            synchronized (this) {
                lease = leaseForStream();
            }
            return lease.handle((channel, failure) -> {
                if (failure != null) {
                    release(null);
                    return CompletableFuture.<T>failedFuture(failure);
                }
                AtomicBoolean released = new AtomicBoolean();
                return operation.apply(channel, () -> {
                    if (released.compareAndSet(false, true)) {
                        release(channel);
                    }
                });
            }).thenCompose(result -> result);
        });
    }

    /** Whether the pool holds nothing: it may be dropped. */
    synchronized boolean isIdle() {
        return channels.isEmpty() && activeStreams == 0 && streamWaiters.isEmpty() && openingForCalls == null;
    }

    /** Marks the pool dropped if idle; a retired pool is replaced by a new one on next use. */
    synchronized boolean retireIfIdle() {
        if (isIdle()) {
            retired = true;
        }
        return retired;
    }

    synchronized boolean isRetired() {
        return retired;
    }

    /** Takes out the streams waiting for a slot, to fail them when the transport stops. */
    synchronized List<CompletableFuture<Void>> drainStreamWaiters() {
        List<CompletableFuture<Void>> waiters = new ArrayList<>(streamWaiters);
        streamWaiters.clear();
        return waiters;
    }

    /** Connections held (opening or open), for tests and status. */
    synchronized int connectionCount() {
        return channels.size();
    }

    synchronized List<ClientConnection> channels() {
        return List.copyOf(channels);
    }

    private synchronized CompletableFuture<Void> acquireStreamSlot() {
        if (activeStreams < settings.maxConcurrentStreamsPerPeer()) {
            activeStreams++;
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        streamWaiters.add(waiter);
        return waiter;
    }

    private CompletableFuture<ClientConnection> leaseForStream() {
        for (ClientConnection channel : channels) {
            if (channel.isUsable() && !reserved.contains(channel) && channel.pendingCalls() == 0
                    && channel.streamOperations() == 0) {
                reserved.add(channel);
                return CompletableFuture.completedFuture(channel);
            }
        }
        ClientConnection channel = open();
        reserved.add(channel);
        return channel.ready().thenApply(peer -> channel);
    }

    private void release(ClientConnection channel) {
        CompletableFuture<Void> next;
        synchronized (this) {
            if (channel != null) {
                reserved.remove(channel);
            }
            next = streamWaiters.poll();
            if (next == null) {
                activeStreams--;
            }
        }
        if (next != null) {
            next.complete(null);
        }
    }

    private ClientConnection open() {
        ClientConnection channel = connector.create(address, expected);
        channels.add(channel);
        connector.connect(channel, address, () -> {
            synchronized (this) {
                channels.remove(channel);
                reserved.remove(channel);
            }
        });
        return channel;
    }
}
