package org.tesseras.dht.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;

/**
 * The asking side of the DHT: requests to known nodes under the DHT's own timeout (each reply's sender checked
 * and recorded, each failure counted against the node) and iterative lookups; {@link ValueLookups} builds the
 * lookups and stores of pointers and catalogue pages on them.
 */
final class OutboundLookups {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundLookups.class);

    private final KademliaNode node;
    private final Transport transport;
    private final ScheduledExecutorService timers;
    private final Executor continuations;
    private final BooleanSupplier active;
    private final Set<NodeLookup> lookups = ConcurrentHashMap.newKeySet();

    OutboundLookups(KademliaNode node, Transport transport, ScheduledExecutorService timers, Executor continuations,
            BooleanSupplier active) {
        this.node = node;
        this.transport = transport;
        this.timers = timers;
        this.continuations = continuations;
        this.active = active;
    }

    /** Ends every lookup in flight with {@code reason}. */
    void cancelAll(Throwable reason) {
        for (NodeLookup lookup : lookups) {
            lookup.cancel(reason);
        }
        lookups.clear();
    }

    /** The k live nodes closest to {@code target}. */
    CompletableFuture<NodeLookup.Result> lookupNodes(NodeId target) {
        return lookupNodes(target, node.table().closest(target, node.settings().k(), null));
    }

    /** A node lookup starting from {@code initial}. */
    CompletableFuture<NodeLookup.Result> lookupNodes(NodeId target, List<NodeInfo> initial) {
        if (!active.getAsBoolean()) {
            return notActive("look up " + target);
        }
        DhtSettings s = node.settings();
        node.table().markLookup(target, node.now());
        return run(NodeLookup.forNodes(target, s.k(), s.alpha(), this::query, node::admissible), initial);
    }

    /** Runs {@code lookup} from {@code initial}, ended with the others when the DHT stops. */
    CompletableFuture<NodeLookup.Result> run(NodeLookup lookup, List<NodeInfo> initial) {
        lookups.add(lookup);
        lookup.result().whenComplete((result, error) -> lookups.remove(lookup));
        if (!active.getAsBoolean()) {
            lookup.cancel(new TransportException("the DHT of node " + node.self() + " stopped"));
        }
        return lookup.start(initial);
    }

    CompletableFuture<Message> query(NodeInfo target, Message request) {
        return rpc(Contact.of(target), request).thenApply(Transport.Reply::message);
    }

    /** A request to a known node under the DHT's own timeout; the reply's sender is checked and recorded. */
    CompletableFuture<Transport.Reply> rpc(Contact peer, Message request) {
        if (!active.getAsBoolean()) {
            return CompletableFuture.failedFuture(new TransportException("the DHT is not running; cannot send "
                    + request.kind() + " to " + peer.id()));
        }
        CompletableFuture<Transport.Reply> sent;
        try {
            sent = transport.request(peer, request);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(new TransportException("sending to " + peer.id() + " failed: " + e, e));
        }
        return withTimeout(sent, "peer " + peer.id()).handleAsync((reply, error) -> {
            if (error != null) {
                throw new CompletionException(afterFailure(peer, error));
            }
            NodeInfo from = reply.from();
            if (!from.id().equals(peer.id()) || !node.authentic(from)) {
                node.table().recordFailure(peer, node.settings().maxFailedRpcs());
                throw new CompletionException(new TransportException("the reply expected from " + peer.id()
                        + " came from " + from.id() + (node.authentic(from) ? "" : ", which fails proof-of-work")));
            }
            node.observe(from);
            return reply;
        }, continuations);
    }

    /** Counts a failed exchange against {@code peer} unless the peer did answer (with an error). */
    private Throwable afterFailure(Contact peer, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof RemoteErrorException) {
            node.table().touch(peer.id(), node.now());
        } else if (cause instanceof TransportException && active.getAsBoolean()
                && node.table().recordFailure(peer, node.settings().maxFailedRpcs())) {
            LOG.debug("Dropped {} from the routing table after {} failed requests: {}", peer.id(),
                    node.settings().maxFailedRpcs(), cause.getMessage());
        }
        return cause;
    }

    /** {@code sent}, failed with a timeout when the DHT's own RPC timeout passes first. */
    <T> CompletableFuture<T> withTimeout(CompletableFuture<T> sent, String peer) {
        long timeoutMillis = node.settings().rpcTimeoutMillis();
        CompletableFuture<T> timed = new CompletableFuture<>();
        try {
            ScheduledFuture<?> timer = timers.schedule(() -> timed.completeExceptionally(
                    new RequestTimeoutException("no reply from " + peer + " within " + timeoutMillis + " ms")),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            timed.whenComplete((value, error) -> timer.cancel(false));
        } catch (RejectedExecutionException e) {
            // stopping: the transport's own timeout still applies
        }
        sent.whenComplete((value, error) -> {
            if (error != null) {
                timed.completeExceptionally(Failures.unwrap(error));
            } else {
                timed.complete(value);
            }
        });
        return timed;
    }

    <T> CompletableFuture<T> notActive(String what) {
        return CompletableFuture.failedFuture(new TransportException("the DHT is not running; cannot " + what));
    }
}
