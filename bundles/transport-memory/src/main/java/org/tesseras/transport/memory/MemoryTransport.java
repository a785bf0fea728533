package org.tesseras.transport.memory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.PeerListener;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;

/**
 * One node's end of a {@link MemoryNetwork}. Requests reach the peer's handler of their kind, pushes its push
 * handler (which judges the header before the source is opened) and fetches its fetch handler, with this node's
 * NodeInfo as the sender, on the network's executor; both ends' peer listeners hear of the other; an error reply fails the future with a
 * {@link RemoteErrorException}, a handler that throws with one of code {@code INTERNAL}. Fragments
 * travel as {@link InputStream}s limited to the plan's shard size. A {@link State#DOWN} node refuses
 * connections ({@link TransportException} at once); an {@link State#UNRESPONSIVE} one accepts them and
 * never answers ({@link RequestTimeoutException} after the network's timeout).
 */
public final class MemoryTransport implements Transport {

    /** How a node behaves towards the network. */
    public enum State {
        /** Answers normally. */
        UP,
        /** Refuses connections and cannot send: like a stopped process. */
        DOWN,
        /** Accepts requests and never answers: like a hung process or a black-holing link. */
        UNRESPONSIVE
    }

    private final MemoryNetwork network;
    private final NodeInfo localNode;
    private final AtomicLong inboundCount = new AtomicLong();
    private final Map<String, RequestHandler> requestHandlers = new ConcurrentHashMap<>();
    private volatile PushHandler pushHandler;
    private volatile FetchHandler fetchHandler;
    private final List<PeerListener> peerListeners = new CopyOnWriteArrayList<>();
    private volatile State state = State.UP;

    MemoryTransport(MemoryNetwork network, NodeInfo localNode) {
        this.network = network;
        this.localNode = localNode;
    }

    /** Requests of {@code kinds} go to {@code handler} from now on. */
    public void handle(RequestHandler handler, Collection<String> kinds) {
        kinds.forEach(kind -> requestHandlers.put(kind, handler));
    }

    /** Pushes go to {@code handler} from now on; {@code null} answers them {@code NO_HANDLER}. */
    public void setPushHandler(PushHandler handler) {
        this.pushHandler = handler;
    }

    /** Fetches go to {@code handler} from now on; {@code null} answers them {@code NO_HANDLER}. */
    public void setFetchHandler(FetchHandler handler) {
        this.fetchHandler = handler;
    }

    /** {@code listener} hears of every peer this node hears from. */
    public void addPeerListener(PeerListener listener) {
        peerListeners.add(listener);
    }

    /** Unbinds every handler and listener: peers get {@code NO_HANDLER} errors. */
    public void unbindAll() {
        requestHandlers.clear();
        pushHandler = null;
        fetchHandler = null;
        peerListeners.clear();
    }

    /** How this node currently behaves. */
    public State state() {
        return state;
    }

    /** Refuses every connection from now on, and sends nothing. */
    public void takeDown() {
        state = State.DOWN;
    }

    /** Answers normally again. */
    public void bringUp() {
        state = State.UP;
    }

    /** Accepts requests from now on but never answers them. */
    public void makeUnresponsive() {
        state = State.UNRESPONSIVE;
    }

    /** Requests, fragments and fetches addressed to this node so far, answered or not. */
    public long inboundCount() {
        return inboundCount.get();
    }

    @Override
    public NodeInfo localNode() {
        return localNode;
    }

    @Override
    public CompletableFuture<Reply> request(Contact to, Message request) {
        Objects.requireNonNull(to, "contact");
        return request(to.address(), to.id(), request);
    }

    @Override
    public CompletableFuture<Reply> request(InetSocketAddress address, Message request) {
        Objects.requireNonNull(address, "address");
        return request(address, null, request);
    }

    private CompletableFuture<Reply> request(InetSocketAddress address, NodeId expected, Message request) {
        Objects.requireNonNull(request, "request");
        String what = request.kind();
        return deliver(address, expected, what, target -> {
            RequestHandler handler = target.requestHandlers.get(request.kind());
            if (handler == null) {
                throw new RemoteErrorException(ErrorCode.NO_HANDLER, "peer " + target.id() + " handles no " + what);
            }
            Message reply = handler.answer(localNode, request);
            if (reply == null) {
                throw new RemoteErrorException(ErrorCode.INTERNAL, "peer " + target.id() + " gave no reply to " + what);
            }
            if (reply instanceof Message.ErrorReply error) {
                throw new RemoteErrorException(error.code(), "peer " + target.id() + ": " + error.reason());
            }
            return new Reply(target.localNode, reply);
        });
    }

    @Override
    public CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope) {
        Objects.requireNonNull(to, "contact");
        Objects.requireNonNull(envelope, "envelope");
        return deliver(to.address(), to.id(), "fragment " + envelope.id(), target -> {
            PushHandler handler = target.pushHandler;
            if (handler == null) {
                throw new RemoteErrorException(ErrorCode.NO_HANDLER, "peer " + target.id() + " stores no fragments");
            }
            Optional<ReplicateAck> refusal = handler.judge(localNode, envelope.id(), envelope.manifest());
            if (refusal != null && refusal.isPresent()) {
                return refusal.get();
            }
            InputStream content;
            try {
                content = envelope.content().open();
            } catch (IOException e) {
                throw new TransportException("cannot read fragment " + envelope.id() + " to send to " + target.id(), e);
            }
            try (OneShotSource source = new OneShotSource(new LimitedInputStream(content, envelope.length()),
                    envelope.id(), localNode.id())) {
                ReplicateAck ack = handler.receive(localNode,
                        new FragmentEnvelope(envelope.id(), envelope.manifest(), source));
                if (ack == null) {
                    throw new RemoteErrorException(ErrorCode.INTERNAL,
                            "peer " + target.id() + " gave no verdict on fragment " + envelope.id());
                }
                return ack;
            }
        });
    }

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        Objects.requireNonNull(from, "contact");
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(reader, "reader");
        String what = "fetch of fragment " + tesseraHash + "/" + index;
        return deliver(from.address(), from.id(), what, target -> {
            FetchHandler handler = target.fetchHandler;
            if (handler == null) {
                throw new RemoteErrorException(ErrorCode.NO_HANDLER, "peer " + target.id() + " serves no fragments");
            }
            Optional<FragmentEnvelope> found = handler.serve(localNode, tesseraHash, index);
            if (found == null || found.isEmpty()) {
                throw new RemoteErrorException(ErrorCode.NOT_FOUND,
                        "peer " + target.id() + " holds no fragment " + tesseraHash + "/" + index);
            }
            FragmentEnvelope envelope = found.get();
            if (!envelope.id().tesseraHash().equals(tesseraHash) || envelope.id().index() != index) {
                throw new RemoteErrorException(ErrorCode.INTERNAL, "peer " + target.id() + " answered the " + what
                        + " with fragment " + envelope.id());
            }
            InputStream content;
            try {
                content = envelope.content().open();
            } catch (IOException e) {
                throw new RemoteErrorException(ErrorCode.INTERNAL,
                        "peer " + target.id() + " could not read fragment " + envelope.id() + ": " + e.getMessage());
            }
            try (InputStream limited = new LimitedInputStream(content, envelope.length())) {
                return reader.read(envelope.id(), envelope.plan(), limited);
            }
        });
    }

    @Override
    public String toString() {
        return "MemoryTransport[" + localNode + ", " + state + "]";
    }

    private NodeId id() {
        return localNode.id();
    }

    /** What the peer does with one delivery; runs on the network's executor. */
    @FunctionalInterface
    private interface Delivery<T> {
        T run(MemoryTransport target) throws IOException;
    }

    private <T> CompletableFuture<T> deliver(InetSocketAddress address, NodeId expected, String what,
            Delivery<T> delivery) {
        String peer = (expected == null ? "" : expected + " at ") + address;
        if (network.isClosed()) {
            return failed(new TransportException("the memory network is closed; cannot send " + what + " to " + peer));
        }
        if (state == State.DOWN) {
            return failed(new TransportException("node " + id() + " is down; cannot send " + what + " to " + peer));
        }
        MemoryTransport target = network.at(address).orElse(null);
        if (target == null) {
            return failed(new TransportException("connection refused: nothing listens at " + address
                    + (expected == null ? "" : " (expected peer " + expected + ")")));
        }
        target.inboundCount.incrementAndGet();
        if (target.state == State.DOWN) {
            return failed(new TransportException("connection refused by " + target.id() + " at " + address
                    + ": the node is down"));
        }
        if (expected != null && !target.id().equals(expected)) {
            return failed(new TransportException("peer at " + address + " is " + target.id() + ", not the expected "
                    + expected));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        long timeoutMillis = network.requestTimeoutMillis();
        try {
            ScheduledFuture<?> timer = network.timeouts().schedule(
                    () -> result.completeExceptionally(new RequestTimeoutException("no answer from peer " + target.id()
                            + " within " + timeoutMillis + " ms to " + what)),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            result.whenComplete((value, error) -> timer.cancel(false));
            if (target.state == State.UNRESPONSIVE) {
                return result;
            }
            network.deliveries().execute(() -> run(this, target, delivery, what, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new TransportException("the memory network is closed; cannot send " + what
                    + " to " + peer, e));
        }
        return result;
    }

    private static <T> void run(MemoryTransport sender, MemoryTransport target, Delivery<T> delivery, String what,
            CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        try {
            target.peerSeen(sender.localNode);
            T value = delivery.run(target);
            sender.peerSeen(target.localNode);
            result.complete(value);
        } catch (IOException e) {
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            result.completeExceptionally(new RemoteErrorException(ErrorCode.INTERNAL,
                    "peer " + target.id() + " failed on " + what + ": " + e));
        }
    }

    private void peerSeen(NodeInfo peer) {
        for (PeerListener listener : peerListeners) {
            listener.peerSeen(peer);
        }
    }

    private static <T> CompletableFuture<T> failed(Throwable error) {
        return CompletableFuture.failedFuture(error);
    }

    /** The receiver's side of a pushed fragment: the incoming stream, to be opened once. */
    private static final class OneShotSource implements FragmentSource, AutoCloseable {
        private final InputStream stream;
        private final FragmentId id;
        private final NodeId sender;
        private final AtomicBoolean opened = new AtomicBoolean();

        OneShotSource(InputStream stream, FragmentId id, NodeId sender) {
            this.stream = stream;
            this.id = id;
            this.sender = sender;
        }

        @Override
        public InputStream open() throws IOException {
            if (!opened.compareAndSet(false, true)) {
                throw new IOException("the stream of fragment " + id + " from " + sender + " was already opened");
            }
            return stream;
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /** Yields at most {@code limit} bytes of the underlying stream, as the wire would. */
    private static final class LimitedInputStream extends FilterInputStream {
        private long remaining;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
