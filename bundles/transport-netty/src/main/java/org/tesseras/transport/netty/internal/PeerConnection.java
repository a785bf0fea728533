package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.TransportException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;

/**
 * One authenticated connection, after its {@link HelloHandshake}: what both roles share. Fragment streams in
 * either direction (chunks queued for a reader, reading paused and resumed for backpressure, a watch on
 * streams that stop moving), replies, closing with a reason, and the hops between the event loop and the
 * worker threads. Whatever a peer sends, the worst outcome is an error reply or this connection closing.
 */
abstract class PeerConnection extends ChannelInboundHandlerAdapter
        implements InboundFragmentStream.ReadControl, InboundConnections.Occupant {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    protected final TransportRuntime runtime;
    private final InetSocketAddress dialed;
    private final CompletableFuture<NodeInfo> ready = new CompletableFuture<>();
    protected final AtomicInteger handlerTasks = new AtomicInteger();
    protected volatile ChannelHandlerContext ctx;
    private volatile long lastFrameNanos = System.nanoTime();
    private volatile NodeInfo peer;
    private volatile String closeReason;

    // event loop only
    protected final Map<Long, InboundFragmentStream> inbound = new HashMap<>();
    protected final Map<Long, OutboundFragmentStream> outbound = new HashMap<>();
    private int pausedStreams;

    /** @param dialed for a client, the address connected to (for messages) */
    PeerConnection(TransportRuntime runtime, InetSocketAddress dialed) {
        this.runtime = runtime;
        this.dialed = dialed;
    }

    // ---------------------------------------------------------------- what the roles provide

    /** Handles a frame from the proven peer (event loop). */
    protected abstract void onFrame(Wire.Envelope envelope);

    /** Whether nothing is under way, so an idle timeout may close the connection. */
    protected abstract boolean isIdle();

    /** The connection closed: fail whatever still waits on it (event loop). */
    protected abstract void onClosed(TransportException closed, String reason);

    /** Whether this side answers (a peer opened the connection). */
    protected abstract boolean isServer();

    /** A fragment stream ended (event loop); the client role finishes fetches here. */
    protected void afterStreamEnd(long id) {
    }

    // ---------------------------------------------------------------- state seen by the pool and the transport

    /** Completes with the peer's verified identity once both Hellos are accepted. */
    CompletableFuture<NodeInfo> ready() {
        return ready;
    }

    @Override
    public long lastFrameNanos() {
        return lastFrameNanos;
    }

    /**
     * Whether a request is being answered or a stream is open (read from any thread: the stream maps belong to the
     * event loop, so the answer may be a moment old).
     */
    @Override
    public boolean hasWorkUnderWay() {
        return handlerTasks.get() > 0 || !inbound.isEmpty() || !outbound.isEmpty();
    }

    @Override
    public boolean helloDone() {
        return peer != null;
    }

    /** The verified peer, or null before the Hello exchange. */
    NodeInfo peer() {
        return peer;
    }

    Channel channel() {
        ChannelHandlerContext context = ctx;
        return context == null ? null : context.channel();
    }

    /** Whether requests can be sent: verified and open. */
    boolean isUsable() {
        Channel channel = channel();
        return peer != null && closeReason == null && channel != null && channel.isActive();
    }

    /** The peer proved itself in the Hello exchange (event loop). */
    void established(NodeInfo verified) {
        peer = verified;
        ready.complete(verified);
    }

    /** The connection could not be made or proven: fails whoever waits for it to be ready. */
    void failReady(TransportException failure) {
        ready.completeExceptionally(failure);
    }

    /** The connection could not be made. */
    void connectFailed(TransportException failure) {
        failReady(failure);
    }

    /** Remembers why the connection ends, for whatever fails because of it (the first reason wins). */
    @Override
    public void noteCloseReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    String closeReasonOr(String otherwise) {
        return closeReason == null ? otherwise : closeReason;
    }

    /** Closes the connection, giving {@code reason} to whatever fails because of it. */
    void close(String reason) {
        noteCloseReason(reason);
        ChannelHandlerContext context = ctx;
        if (context != null) {
            context.close();
        }
    }

    @Override
    public String toString() {
        NodeInfo verified = peer;
        if (verified != null) {
            return verified.toString();
        }
        Channel channel = channel();
        Object remote = channel != null && channel.remoteAddress() != null ? channel.remoteAddress() : dialed;
        return remote instanceof InetSocketAddress address
                ? address.getHostString() + ":" + address.getPort()
                : String.valueOf(remote);
    }

    // ---------------------------------------------------------------- netty events

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof IdleStateEvent && peer != null && isIdle() && handlerTasks.get() == 0) {
            LOG.debug("Closing idle connection with {}", this);
            close("idle connection closed");
        }
        super.userEventTriggered(context, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        lastFrameNanos = System.nanoTime();
        try {
            if (message instanceof FrameFault fault) {
                onFault(fault);
            } else if (message instanceof Wire.Envelope envelope) {
                onFrame(envelope);
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing connection with {}: failed to handle a frame", this, e);
            close("internal error: " + e);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        if (context.channel().isWritable()) {
            for (OutboundFragmentStream stream : new ArrayList<>(outbound.values())) {
                stream.resume();
            }
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        String reason = rootMessage(cause);
        if (hasCause(cause, IOException.class)) {
            LOG.debug("Connection with {} failed: {}", this, reason);
        } else {
            LOG.warn("Closing connection with {} after an error", this, cause);
        }
        close(reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        String reason = closeReasonOr("closed by the peer");
        failReady(new TransportException("connection to " + this + " closed before the Hello exchange completed: "
                + reason));
        TransportException closed = new TransportException("connection to " + this + " closed: " + reason);
        for (InboundFragmentStream stream : inbound.values()) {
            stream.fail(new IOException(closed.getMessage()));
        }
        inbound.clear();
        for (OutboundFragmentStream stream : new ArrayList<>(outbound.values())) {
            stream.stop("connection closed: " + reason);
        }
        onClosed(closed, reason);
        super.channelInactive(context);
    }

    /** A frame that could not be read: the server answers it (and closes if it was fatal); a client closes. */
    private void onFault(FrameFault fault) {
        if (fault.fatal() || !isServer()) {
            if (closeReason == null) {
                LOG.info("Closing connection with {}: {}", this, fault.reason());
                closeReason = fault.reason();
            } else {
                LOG.debug("Connection with {} closed ({}) with {}", this, closeReason, fault.reason());
            }
            if (isServer()) {
                ctx.writeAndFlush(errorEnvelope(fault.requestId(), fault.code(), fault.reason()))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        LOG.info("Bad frame from {}: {}", this, fault.reason());
        ctx.writeAndFlush(errorEnvelope(fault.requestId(), fault.code(), fault.reason()));
    }

    // ---------------------------------------------------------------- fragment streams, both directions

    protected InboundFragmentStream openInbound(long id, String description, long length) {
        InboundFragmentStream stream = new InboundFragmentStream(description, length,
                runtime.settings().rpcTimeoutMillis(), runtime.settings().minStreamBytesPerSecond(),
                runtime.settings().streamHighWaterBytes(), this,
                runtime.peakQueuedBytes());
        inbound.put(id, stream);
        return stream;
    }

    protected void onChunk(long id, Wire.FragmentChunk chunk) {
        InboundFragmentStream stream = inbound.get(id);
        if (stream == null) {
            LOG.debug("Dropping a chunk of unknown stream {} from {}", id, this);
            return;
        }
        stream.onChunk(chunk.getData());
    }

    protected void onEnd(long id, Wire.FragmentEnd end) {
        InboundFragmentStream stream = inbound.remove(id);
        if (stream == null) {
            LOG.debug("Dropping the end of unknown stream {} from {}", id, this);
            return;
        }
        stream.onEnd(end.getAborted(), end.getReason());
        afterStreamEnd(id);
    }

    /** Whether any fragment stream is arriving: then chunk-sized frames are allowed. */
    boolean receivingStream() {
        return !inbound.isEmpty();
    }

    @Override
    public EventExecutor eventLoop() {
        return ctx.executor();
    }

    @Override
    public void pauseReading() {
        if (pausedStreams++ == 0) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void resumeReading() {
        if (pausedStreams > 0 && --pausedStreams == 0) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    protected static void checkHeader(FragmentId fragmentId, FragmentPlan plan, long length)
            throws WireFormatException {
        if (!fragmentId.belongsTo(plan)) {
            throw new WireFormatException(ErrorCode.BAD_FRAME, "fragment " + fragmentId + " does not match its plan");
        }
        if (length != plan.shardSize()) {
            throw new WireFormatException(ErrorCode.BAD_FRAME, "fragment " + fragmentId + " announced " + length
                    + " bytes but its plan says " + plan.shardSize());
        }
    }

    /** The incoming stream as a fragment source that opens once. */
    protected FragmentSource openOnce(InboundFragmentStream stream, FragmentId fragmentId) {
        AtomicBoolean opened = new AtomicBoolean();
        return () -> {
            if (!opened.compareAndSet(false, true)) {
                throw new IOException("the incoming stream of fragment " + fragmentId + " from " + this
                        + " can be opened only once");
            }
            return stream;
        };
    }

    /**
     * Starts checking that {@code stream} still moves; {@code onStall} runs if it did not for the RPC timeout, or if,
     * once it has run that long, it moved fewer than {@code minStreamBytesPerSecond} on average since (a trickling
     * receiver holds a stream as surely as a silent one).
     */
    protected StallWatch watchStall(OutboundFragmentStream stream, Runnable onStall) {
        return watchStall(stream, onStall, onStall);
    }

    /**
     * As {@link #watchStall(OutboundFragmentStream, Runnable)}, but a stream that still moves, only too slowly, gets
     * {@code onTooSlow} instead.
     */
    protected StallWatch watchStall(OutboundFragmentStream stream, Runnable onStall, Runnable onTooSlow) {
        StallWatch watch = new StallWatch(stream, onStall, onTooSlow);
        watch.schedule(TimeUnit.MILLISECONDS.toNanos(runtime.settings().rpcTimeoutMillis()));
        return watch;
    }

    /** Re-arms itself while a stream makes progress; cancelled when the stream is over. */
    protected final class StallWatch implements Runnable {
        private final long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(runtime.settings().rpcTimeoutMillis());
        private final long minBytesPerSecond = runtime.settings().minStreamBytesPerSecond();
        private final long startNanos = System.nanoTime();
        private OutboundFragmentStream stream;
        private Runnable onStall;
        private Runnable onTooSlow;
        private ScheduledFuture<?> next;

        StallWatch(OutboundFragmentStream stream, Runnable onStall, Runnable onTooSlow) {
            this.stream = stream;
            this.onStall = onStall;
            this.onTooSlow = onTooSlow;
        }

        void schedule(long delayNanos) {
            next = ctx.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }

        /** Stops watching and lets go of the stream (event loop). */
        void cancel() {
            if (next != null) {
                next.cancel(false);
            }
            stream = null;
            onStall = null;
            onTooSlow = null;
        }

        @Override
        public void run() {
            if (stream == null || !ctx.channel().isActive()) {
                return;
            }
            long now = System.nanoTime();
            long idle = now - stream.lastProgressNanos();
            long elapsed = now - startNanos;
            boolean stalled = idle >= timeoutNanos;
            boolean tooSlow = elapsed > timeoutNanos
                    && stream.sentBytes() < (double) (elapsed - timeoutNanos) / 1e9 * minBytesPerSecond;
            if (!stalled && !tooSlow) {
                schedule(Math.min(timeoutNanos - idle, TimeUnit.SECONDS.toNanos(1)));
                return;
            }
            Runnable action;
            if (stalled) {
                LOG.info("Fragment stream {} with {} made no progress for {} ms", stream.requestId(),
                        PeerConnection.this, TimeUnit.NANOSECONDS.toMillis(idle));
                action = onStall;
            } else {
                LOG.info("Fragment stream {} with {} moved {} bytes in {} ms, less than {} bytes a second",
                        stream.requestId(), PeerConnection.this, stream.sentBytes(),
                        TimeUnit.NANOSECONDS.toMillis(elapsed), minBytesPerSecond);
                action = onTooSlow;
            }
            cancel();
            action.run();
        }
    }

    // ---------------------------------------------------------------- sending (any thread)

    protected void replyMessage(long id, Message reply) {
        Wire.Envelope.Builder body;
        try {
            body = WireMapper.toWire(reply);
        } catch (RuntimeException e) {
            body = errorBody(ErrorCode.INTERNAL, "the handler's reply cannot be sent: " + e.getMessage());
        }
        send(id, body);
    }

    protected void replyError(long id, ErrorCode code, String reason) {
        send(id, errorBody(code, reason));
    }

    protected void send(long id, Wire.Envelope.Builder body) {
        Wire.Envelope envelope = body.setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id).build();
        int size = envelope.getSerializedSize();
        if (size > runtime.settings().maxFrameBytes()) {
            LOG.warn("Reply {} to {} is {} bytes, over the control limit", envelope.getBodyCase(), this, size);
            envelope = errorEnvelope(id, ErrorCode.INTERNAL, "the reply is " + size + " bytes, over the control limit of "
                    + runtime.settings().maxFrameBytes() + " bytes");
        }
        ctx.writeAndFlush(envelope);
    }

    protected static Wire.Envelope.Builder errorBody(ErrorCode code, String reason) {
        String text = reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...";
        return Wire.Envelope.newBuilder().setError(WireMapper.error(code, text));
    }

    static Wire.Envelope errorEnvelope(long id, ErrorCode code, String reason) {
        return errorBody(code, reason).setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id).build();
    }

    // ---------------------------------------------------------------- threads

    /** Runs a handler task on one of {@code workers}; when they refuse, answers BUSY and returns false. */
    protected boolean runOnWorker(long id, java.util.concurrent.Executor workers, Runnable task) {
        handlerTasks.incrementAndGet();
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } finally {
                    handlerTasks.decrementAndGet();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            handlerTasks.decrementAndGet();
            replyError(id, ErrorCode.BUSY, "this node has no free worker");
            return false;
        }
    }

    protected void runOnEventLoop(Runnable task) {
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Event loop of {} is gone; dropping a task", this);
        }
    }

    /** Runs {@code task} on the event loop once the connection is verified, or fails {@code result}. */
    protected void onEventLoop(CompletableFuture<?> result, Runnable task, Runnable... onFailure) {
        Runnable guarded = () -> {
            if (!isUsable()) {
                result.completeExceptionally(new UnsentRequestException("connection to " + this + " is closed"
                        + (closeReason == null ? "" : ": " + closeReason)));
                Arrays.stream(onFailure).forEach(Runnable::run);
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                result.completeExceptionally(new TransportException("cannot send to " + this + ": " + e, e));
                Arrays.stream(onFailure).forEach(Runnable::run);
            }
        };
        ChannelHandlerContext context = ctx;
        try {
            if (context == null) {
                throw new RejectedExecutionException("not connected");
            }
            context.executor().execute(guarded);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new UnsentRequestException("connection to " + this + " is closed"));
            Arrays.stream(onFailure).forEach(Runnable::run);
        }
    }

    /** Lets an error the JVM cannot recover from go on up, after the peer got its answer. */
    protected static void rethrowIfFatal(Throwable failure) {
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    protected static Runnable once(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    protected static String describe(Message message) {
        return message.kind();
    }

    static String rootMessage(Throwable failure) {
        return Failures.rootMessage(failure);
    }

    static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
