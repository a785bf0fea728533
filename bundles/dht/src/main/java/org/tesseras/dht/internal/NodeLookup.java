package org.tesseras.dht.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.tesseras.api.message.Message;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;

/**
 * One iterative Kademlia lookup (FIND_NODE, or FIND_VALUE for a pointer). It keeps a shortlist ordered
 * by distance to the target, has at most alpha requests in flight, and finishes when the k nearest
 * candidates that have not failed have all answered. Asynchronous: no thread waits for it; each reply
 * moves it on. A value lookup (pointers, a catalogue page) runs to the same end and keeps every value answer.
 */
final class NodeLookup {

    /** Sends one request and completes with the peer's reply message (or fails). */
    @FunctionalInterface
    interface Rpc {
        CompletableFuture<Message> query(NodeInfo node, Message request);
    }

    /** A node's answer with the value asked for. */
    record ValueReply(NodeInfo from, Message value) {
    }

    /** The k nearest nodes that answered, nearest first, and the value answers any node gave. */
    record Result(List<NodeInfo> closest, List<ValueReply> values) {
        Result {
            closest = List.copyOf(closest);
            values = List.copyOf(values);
        }
    }

    private enum State { WAITING, IN_FLIGHT, ANSWERED, FAILED }

    private static final class Candidate {
        final NodeInfo node;
        State state = State.WAITING;
        Message returned;

        Candidate(NodeInfo node) {
            this.node = node;
        }
    }

    private final Message request;
    private final Predicate<Message> isValue;
    private final int k;
    private final int alpha;
    private final Rpc rpc;
    private final Predicate<NodeInfo> admissible;
    private final TreeMap<NodeId, Candidate> shortlist;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private int inFlight;

    private NodeLookup(NodeId target, Message request, Predicate<Message> isValue, int k, int alpha, Rpc rpc,
            Predicate<NodeInfo> admissible) {
        this.request = request;
        this.isValue = isValue;
        this.k = k;
        this.alpha = alpha;
        this.rpc = rpc;
        this.admissible = admissible;
        this.shortlist = new TreeMap<>(XorMetric.byDistanceTo(target));
    }

    /** A lookup of the k nodes nearest to {@code target}; {@code admissible} filters every node learned. */
    static NodeLookup forNodes(NodeId target, int k, int alpha, Rpc rpc, Predicate<NodeInfo> admissible) {
        return new NodeLookup(target, new Message.FindNode(target), message -> false, k, alpha, rpc, admissible);
    }

    /**
     * A lookup that asks each node {@code request} on the way to the k nodes nearest to {@code target}, collecting
     * every answer {@code isValue} accepts; a node answering otherwise only with nodes.
     */
    static NodeLookup forValue(NodeId target, Message request, Predicate<Message> isValue, int k, int alpha, Rpc rpc,
            Predicate<NodeInfo> admissible) {
        return new NodeLookup(target, request, isValue, k, alpha, rpc, admissible);
    }

    /** Starts from {@code initial} (the routing table's nearest nodes); completes when the lookup ends. */
    CompletableFuture<Result> start(Collection<NodeInfo> initial) {
        synchronized (this) {
            for (NodeInfo node : initial) {
                offer(node);
            }
        }
        advance();
        return result;
    }

    /** Ends the lookup at once with {@code reason}; late replies are ignored. */
    void cancel(Throwable reason) {
        result.completeExceptionally(reason);
    }

    CompletableFuture<Result> result() {
        return result;
    }

    private void offer(NodeInfo node) {
        if (!shortlist.containsKey(node.id()) && admissible.test(node)) {
            shortlist.put(node.id(), new Candidate(node));
        }
    }

    private void advance() {
        List<Candidate> toQuery = new ArrayList<>();
        Result done = null;
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            boolean pending = false;
            int considered = 0;
            for (Candidate candidate : shortlist.values()) {
                if (candidate.state == State.FAILED) {
                    continue;
                }
                if (considered++ >= k) {
                    break;
                }
                if (candidate.state == State.WAITING) {
                    pending = true;
                    if (inFlight < alpha) {
                        candidate.state = State.IN_FLIGHT;
                        inFlight++;
                        toQuery.add(candidate);
                    }
                } else if (candidate.state == State.IN_FLIGHT) {
                    pending = true;
                }
            }
            if (!pending) {
                done = finish();
            }
        }
        if (done != null) {
            result.complete(done);
            return;
        }
        for (Candidate candidate : toQuery) {
            CompletableFuture<Message> reply;
            try {
                reply = rpc.query(candidate.node, request);
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((message, error) -> onReply(candidate, message, error));
        }
    }

    private void onReply(Candidate candidate, Message message, Throwable error) {
        synchronized (this) {
            inFlight--;
            if (error != null || !accept(candidate, message)) {
                candidate.state = State.FAILED;
            } else {
                candidate.state = State.ANSWERED;
            }
        }
        advance();
    }

    /** Takes in a reply; false when it is not an answer to our request. Called under the lock. */
    private boolean accept(Candidate candidate, Message message) {
        if (message instanceof Message.FoundNodes found) {
            for (NodeInfo node : found.nodes()) {
                offer(node);
            }
            return true;
        }
        if (isValue.test(message)) {
            candidate.returned = message;
            return true;
        }
        return false;
    }

    private Result finish() {
        List<NodeInfo> closest = new ArrayList<>();
        List<ValueReply> values = new ArrayList<>();
        for (Candidate candidate : shortlist.values()) {
            if (candidate.state == State.ANSWERED && candidate.returned != null) {
                values.add(new ValueReply(candidate.node, candidate.returned));
            }
            if (candidate.state == State.ANSWERED && closest.size() < k) {
                closest.add(candidate.node);
            }
        }
        return new Result(closest, values);
    }
}
