package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.InboundHandler;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.TransportException;

/**
 * One authenticated connection, on either side. It runs the Hello exchange after TLS, then: as a
 * client, sends requests, fragment pushes and fetches and matches what comes back by request id; as a
 * server, hands requests and fragments to the {@link InboundHandler} on worker threads and answers.
 * Whatever a peer sends, the worst outcome is an error reply or this connection closing.
 */
final class PeerChannel extends ChannelInboundHandlerAdapter implements InboundFragmentStream.ReadControl {
    private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);

    /** Which end of the connection this node is. */
    enum Role {
        /** This node opened the connection and sends the requests. */
        CLIENT,
        /** A peer opened the connection; this node answers. */
        SERVER
    }

    private final TransportRuntime runtime;
    private final Role role;
    private final NodeId expectedPeer;
    private final InetSocketAddress dialed;
    private final CompletableFuture<NodeInfo> ready = new CompletableFuture<>();
    private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    private final AtomicInteger handlerTasks = new AtomicInteger();
    private final AtomicInteger streamOperations = new AtomicInteger();
    private volatile ChannelHandlerContext ctx;
    private volatile NodeInfo peer;
    private volatile String closeReason;

    // event loop only
    private final Map<Long, PushOperation> pushes = new HashMap<>();
    private final Map<Long, FetchOperation<?>> fetches = new HashMap<>();
    private final Map<Long, InboundFragmentStream> inbound = new HashMap<>();
    private final Map<Long, OutboundFragmentStream> outbound = new HashMap<>();
    private long nextRequestId = 1;
    private int pausedStreams;
    private ScheduledFuture<?> helloTimer;

    /**
     * @param expectedPeer for a client, the NodeId the peer must prove (null for a seed address)
     * @param dialed for a client, the address connected to (for messages)
     */
    PeerChannel(TransportRuntime runtime, Role role, NodeId expectedPeer, InetSocketAddress dialed) {
        this.runtime = runtime;
        this.role = role;
        this.expectedPeer = expectedPeer;
        this.dialed = dialed;
    }

    // ---------------------------------------------------------------- state seen by the pool and the transport

    /** Completes with the peer's verified identity once both Hellos are accepted. */
    CompletableFuture<NodeInfo> ready() {
        return ready;
    }

    /** The verified peer, or null before the Hello exchange. */
    NodeInfo peer() {
        return peer;
    }

    Channel channel() {
        ChannelHandlerContext context = ctx;
        return context == null ? null : context.channel();
    }

    /** Requests waiting for a reply. */
    int pendingCalls() {
        return calls.size();
    }

    /** Fragment streams this client connection is carrying now. */
    int streamOperations() {
        return streamOperations.get();
    }

    /** Whether requests can be sent: verified and open. */
    boolean isUsable() {
        Channel channel = channel();
        return peer != null && closeReason == null && channel != null && channel.isActive();
    }

    /** The connection could not be made: fails whoever waits for it to be ready. */
    void connectFailed(TransportException failure) {
        failReady(failure);
    }

    /** Closes the connection, giving {@code reason} to whatever fails because of it. */
    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
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

    // ---------------------------------------------------------------- client operations (any thread)

    /** Sends a control request and completes with the peer's reply (an error reply fails it). */
    CompletableFuture<Message> call(Message request) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (request instanceof Message.ErrorReply) {
            result.completeExceptionally(new TransportException("an error reply is an answer, not a request to "
                    + this));
            return result;
        }
        Wire.Envelope.Builder body;
        try {
            body = WireMapper.toWire(request);
        } catch (RuntimeException e) {
            result.completeExceptionally(new TransportException("cannot send " + describe(request) + " to " + this
                    + ": " + e.getMessage(), e));
            return result;
        }
        onEventLoop(result, () -> {
            long id = nextRequestId++;
            Wire.Envelope envelope = body.setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id).build();
            int size = envelope.getSerializedSize();
            if (size > runtime.settings().maxFrameBytes()) {
                result.completeExceptionally(new TransportException(describe(request) + " to " + this + " is " + size
                        + " bytes, over the control limit of " + runtime.settings().maxFrameBytes() + " bytes"));
                return;
            }
            long timeoutMillis = runtime.settings().rpcTimeoutMillis();
            PendingCall call = new PendingCall(result, describe(request));
            calls.put(id, call);
            call.timer = ctx.executor().schedule(() -> {
                if (calls.remove(id) != null) {
                    result.completeExceptionally(new RequestTimeoutException(call.what + " to " + this
                            + " got no reply within " + timeoutMillis + " ms"));
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            ctx.writeAndFlush(envelope).addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess() && calls.remove(id) != null) {
                    call.timer.cancel(false);
                    result.completeExceptionally(new TransportException("cannot send " + call.what + " to " + this
                            + ": " + future.cause(), future.cause()));
                }
            });
        });
        return result;
    }

    /** Streams {@code envelope} to the peer and completes with its ack; {@code whenIdle} runs once all is done. */
    CompletableFuture<ReplicateAck> push(FragmentEnvelope envelope, Runnable whenIdle) {
        CompletableFuture<ReplicateAck> result = new CompletableFuture<>();
        streamOperations.incrementAndGet();
        Runnable idleOnce = once(() -> {
            streamOperations.decrementAndGet();
            whenIdle.run();
        });
        onEventLoop(result, () -> {
            long id = nextRequestId++;
            PushOperation op = new PushOperation(id, result, idleOnce);
            op.stream = new OutboundFragmentStream(ctx.channel(), runtime.workers(), id, envelope,
                    runtime.settings().chunkBytes(), "fragment " + envelope.id() + " to " + this,
                    (stream, failure) -> runOnEventLoop(() -> onPushPumped(op, failure)));
            pushes.put(id, op);
            outbound.put(id, op.stream);
            op.stallWatch = watchStall(op.stream, () -> {
                result.completeExceptionally(new RequestTimeoutException("fragment " + envelope.id() + " to " + this
                        + ": no progress for " + runtime.settings().rpcTimeoutMillis() + " ms"));
                close("fragment stream to " + this + " stalled");
            });
            op.stream.resume();
        }, idleOnce);
        return result;
    }

    /** Asks for a fragment and hands the stream to {@code reader} on a worker; {@code whenIdle} runs once all is done. */
    <T> CompletableFuture<T> fetch(ContentHash tesseraHash, int index, FragmentReader<T> reader, Runnable whenIdle) {
        CompletableFuture<T> result = new CompletableFuture<>();
        streamOperations.incrementAndGet();
        Runnable idleOnce = once(() -> {
            streamOperations.decrementAndGet();
            whenIdle.run();
        });
        onEventLoop(result, () -> {
            long id = nextRequestId++;
            FetchOperation<T> op = new FetchOperation<>(id, tesseraHash, index, reader, result, idleOnce);
            fetches.put(id, op);
            long timeoutMillis = runtime.settings().rpcTimeoutMillis();
            op.headerTimer = ctx.executor().schedule(() -> {
                if (fetches.get(id) == op && op.stream == null) {
                    result.completeExceptionally(new RequestTimeoutException("fetch of " + tesseraHash + "/" + index
                            + " from " + this + " got no answer within " + timeoutMillis + " ms"));
                    op.readerDone = true;
                    op.streamDone = true;
                    finishFetch(op);
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            Wire.Envelope request = Wire.Envelope.newBuilder().setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id)
                    .setFetchRequest(Wire.FetchRequest.newBuilder()
                            .setTesseraHash(com.google.protobuf.ByteString.copyFrom(tesseraHash.bytes()))
                            .setIndex(index))
                    .build();
            ctx.writeAndFlush(request);
        }, idleOnce);
        return result;
    }

    // ---------------------------------------------------------------- netty events

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        long timeoutMillis = runtime.settings().handshakeTimeoutMillis();
        helloTimer = context.executor().schedule(() -> {
            if (peer == null) {
                LOG.info("Closing connection with {}: no Hello within {} ms", this, timeoutMillis);
                failReady(new TransportException("no Hello from " + this + " within " + timeoutMillis + " ms"));
                close("no Hello within " + timeoutMillis + " ms");
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                String reason = "TLS handshake with " + this + " failed: " + rootMessage(handshake.cause());
                LOG.info("{}", reason);
                failReady(new TransportException(reason, handshake.cause()));
                close(reason);
            } else if (role == Role.CLIENT) {
                context.writeAndFlush(helloEnvelope());
            }
        } else if (event instanceof IdleStateEvent) {
            // before the Hello the hello timer alone bounds the connection: the idle clock also runs through the
            // TLS handshake, which on a loaded machine can outlast a short idle timeout
            if (peer != null && calls.isEmpty() && handlerTasks.get() == 0) {
                LOG.debug("Closing idle connection with {}", this);
                close("idle connection closed");
            }
        }
        super.userEventTriggered(context, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        try {
            if (message instanceof FrameFault fault) {
                onFault(fault);
            } else if (message instanceof Wire.Envelope envelope) {
                if (peer == null) {
                    onHandshakeFrame(envelope);
                } else if (role == Role.SERVER) {
                    onServerFrame(envelope);
                } else {
                    onClientFrame(envelope);
                }
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
        if (peer == null && hasCause(cause, SSLException.class)) {
            reason = "TLS with " + this + " failed: " + reason;
            LOG.info("{}", reason);
        } else if (hasCause(cause, IOException.class)) {
            LOG.debug("Connection with {} failed: {}", this, reason);
        } else {
            LOG.warn("Closing connection with {} after an error", this, cause);
        }
        close(reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        String reason = closeReason == null ? "closed by the peer" : closeReason;
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        failReady(new TransportException("connection to " + this + " closed before the Hello exchange completed: "
                + reason));
        TransportException closed = new TransportException("connection to " + this + " closed: " + reason);
        for (Long id : new ArrayList<>(calls.keySet())) {
            PendingCall call = calls.remove(id);
            if (call != null) {
                call.timer.cancel(false);
                call.result.completeExceptionally(new TransportException(call.what + " to " + this
                        + ": connection closed: " + reason));
            }
        }
        for (InboundFragmentStream stream : inbound.values()) {
            stream.fail(new IOException(closed.getMessage()));
        }
        inbound.clear();
        for (OutboundFragmentStream stream : new ArrayList<>(outbound.values())) {
            stream.stop("connection closed: " + reason);
        }
        for (PushOperation op : new ArrayList<>(pushes.values())) {
            op.result.completeExceptionally(closed);
        }
        for (FetchOperation<?> op : new ArrayList<>(fetches.values())) {
            op.streamDone = true;
            if (op.stream == null) {
                op.result.completeExceptionally(closed);
                op.readerDone = true;
            }
            finishFetch(op);
        }
        super.channelInactive(context);
    }

    // ---------------------------------------------------------------- Hello

    private Wire.Envelope helloEnvelope() {
        return Wire.Envelope.newBuilder().setVersion(FrameDecoder.WIRE_VERSION).setRequestId(0)
                .setHello(WireMapper.hello(TransportRuntime.PROTOCOL_VERSION, runtime.identity().nonce(),
                        runtime.listenPort(), TransportRuntime.CAPABILITIES))
                .build();
    }

    private void onHandshakeFrame(Wire.Envelope envelope) {
        if (envelope.getBodyCase() == Wire.Envelope.BodyCase.ERROR && role == Role.CLIENT) {
            ErrorCode code = WireMapper.errorCode(envelope.getError().getCode());
            String reason = "peer at " + this + " refused the connection: " + envelope.getError().getReason();
            LOG.info("{} ({})", reason, code);
            failReady(new RemoteErrorException(code, reason));
            close(code + ": " + reason);
            return;
        }
        if (envelope.getBodyCase() != Wire.Envelope.BodyCase.HELLO) {
            reject(ErrorCode.REFUSED, "expected Hello, got " + envelope.getBodyCase());
            return;
        }
        Wire.Hello hello = envelope.getHello();
        if (hello.getProtocolVersion() != TransportRuntime.PROTOCOL_VERSION) {
            reject(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.getProtocolVersion()
                    + " is not spoken here (this node speaks " + TransportRuntime.PROTOCOL_VERSION + ")");
            return;
        }
        if (hello.getListenPort() < 1 || hello.getListenPort() > 65535) {
            reject(ErrorCode.BAD_FRAME, "listen port must be 1..65535, got "
                    + Integer.toUnsignedString(hello.getListenPort()));
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        byte[] publicKey;
        try {
            if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
                reject(ErrorCode.REFUSED, "Hello before the TLS handshake completed");
                return;
            }
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            publicKey = runtime.verifier().rawPublicKey(((X509Certificate) chain[0]).getPublicKey());
        } catch (SSLPeerUnverifiedException | ClassCastException | IllegalArgumentException e) {
            reject(ErrorCode.REFUSED, "no Ed25519 key was proven in TLS: " + e.getMessage());
            return;
        }
        long nonce = hello.getNonce();
        NodeId id = runtime.verifier().deriveNodeId(publicKey, nonce);
        if (!runtime.verifier().verifyPow(id, publicKey, nonce)) {
            reject(ErrorCode.REFUSED, "NodeId " + id + " (from the TLS key and nonce " + nonce + ") has "
                    + id.leadingZeroBits() + " bits of proof-of-work, " + runtime.verifier().powDifficulty()
                    + " required");
            return;
        }
        if (expectedPeer != null && !expectedPeer.equals(id)) {
            reject(ErrorCode.REFUSED, "expected node " + expectedPeer + " but the peer proved " + id);
            return;
        }
        Set<String> capabilities;
        try {
            capabilities = WireMapper.capabilities(hello.getCapabilitiesList());
        } catch (WireFormatException e) {
            reject(e.code(), e.getMessage());
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        NodeInfo verified = new NodeInfo(id, publicKey, nonce,
                new InetSocketAddress(remote.getAddress(), hello.getListenPort()), capabilities);
        if (role == Role.SERVER) {
            ctx.writeAndFlush(helloEnvelope());
        }
        peer = verified;
        helloTimer.cancel(false);
        LOG.debug("{} connection with {} established", role, verified);
        ready.complete(verified);
    }

    private void reject(ErrorCode code, String reason) {
        String message = (role == Role.SERVER ? "Rejected peer at " : "Rejected node at ") + this + ": " + reason;
        LOG.warn("{}", message);
        failReady(new TransportException(message));
        if (closeReason == null) {
            closeReason = reason;
        }
        ctx.writeAndFlush(errorEnvelope(0, code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void failReady(TransportException failure) {
        ready.completeExceptionally(failure);
    }

    // ---------------------------------------------------------------- frames a server receives

    private void onFault(FrameFault fault) {
        if (fault.fatal() || peer == null || role == Role.CLIENT) {
            if (closeReason == null) {
                LOG.info("Closing connection with {}: {}", this, fault.reason());
                closeReason = fault.reason();
            } else {
                LOG.debug("Connection with {} closed ({}) with {}", this, closeReason, fault.reason());
            }
            if (role == Role.SERVER) {
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

    private void onServerFrame(Wire.Envelope envelope) {
        long id = envelope.getRequestId();
        switch (envelope.getBodyCase()) {
            case FRAGMENT_HEADER -> onPushHeader(id, envelope.getFragmentHeader());
            case FRAGMENT_CHUNK -> onChunk(id, envelope.getFragmentChunk());
            case FRAGMENT_END -> onEnd(id, envelope.getFragmentEnd());
            case FETCH_REQUEST -> onFetchRequest(id, envelope.getFetchRequest());
            case ERROR -> LOG.debug("{} reports for request {}: {}", this, id, envelope.getError().getReason());
            default -> {
                if (WireMapper.isMessage(envelope)) {
                    onRequest(id, envelope);
                } else {
                    replyError(id, ErrorCode.UNKNOWN_TYPE, envelope.getBodyCase() + " is not a request");
                }
            }
        }
    }

    private void onRequest(long id, Wire.Envelope envelope) {
        Message request;
        try {
            request = WireMapper.fromWire(envelope);
        } catch (WireFormatException e) {
            LOG.info("Bad {} from {}: {}", envelope.getBodyCase(), this, e.getMessage());
            replyError(id, e.code(), e.getMessage());
            return;
        }
        InboundHandler handler = runtime.handler();
        if (handler == null) {
            replyError(id, ErrorCode.NO_HANDLER, "no service on this node handles " + describe(request) + " yet");
            return;
        }
        NodeInfo sender = peer;
        runOnWorker(id, () -> {
            Message reply;
            Throwable failure = null;
            try {
                reply = handler.onRequest(sender, request);
                if (reply == null) {
                    reply = new Message.ErrorReply(ErrorCode.INTERNAL, "the handler gave no reply to "
                            + describe(request));
                }
            } catch (RuntimeException | Error e) {
                LOG.warn("Handler failed on {} from {}", describe(request), sender, e);
                reply = new Message.ErrorReply(ErrorCode.INTERNAL, "handler failed: " + e);
                failure = e;
            }
            replyMessage(id, reply);
            rethrowIfFatal(failure);
        });
    }

    private void onPushHeader(long id, Wire.FragmentHeader header) {
        if (inbound.containsKey(id)) {
            replyError(id, ErrorCode.BAD_FRAME, "request id " + id + " already carries a stream");
            return;
        }
        if (inbound.size() >= 2 * runtime.settings().maxConcurrentStreamsPerPeer() + 2) {
            LOG.warn("Closing connection with {}: {} streams left open", this, inbound.size());
            close("too many open streams");
            return;
        }
        InboundFragmentStream stream = openInbound(id, "fragment from " + this, header.getLength());
        FragmentId fragmentId;
        TesseraManifest manifest;
        try {
            fragmentId = WireMapper.fragmentId(header.getId());
            manifest = WireMapper.manifest(header.getManifest());
            checkHeader(fragmentId, manifest.plan(), header.getLength());
        } catch (WireFormatException e) {
            stream.close();
            LOG.info("Bad fragment header from {}: {}", this, e.getMessage());
            replyError(id, e.code(), e.getMessage());
            return;
        }
        InboundHandler handler = runtime.handler();
        if (handler == null) {
            stream.close();
            replyError(id, ErrorCode.NO_HANDLER, "no service on this node stores fragments yet");
            return;
        }
        NodeInfo sender = peer;
        if (!runtime.tryAcquireServedStream(sender.id())) {
            stream.close();
            replyError(id, ErrorCode.BUSY, runtime.settings().maxConcurrentStreamsPerPeer()
                    + " fragment streams with " + sender + " are already open");
            return;
        }
        FragmentEnvelope envelope = new FragmentEnvelope(fragmentId, manifest, openOnce(stream, fragmentId));
        Runnable task = () -> {
            Wire.Envelope.Builder reply;
            Throwable failure = null;
            try {
                ReplicateAck ack = handler.onFragment(sender, envelope);
                reply = ack == null
                        ? errorBody(ErrorCode.INTERNAL, "the handler gave no verdict on " + fragmentId)
                        : Wire.Envelope.newBuilder().setFragmentAck(WireMapper.ack(ack));
            } catch (RuntimeException | Error e) {
                LOG.warn("Handler failed on fragment {} from {}", fragmentId, sender, e);
                reply = errorBody(ErrorCode.INTERNAL, "handler failed on " + fragmentId + ": " + e);
                failure = e;
            } finally {
                stream.close();
                runtime.releaseServedStream(sender.id());
            }
            send(id, reply);
            rethrowIfFatal(failure);
        };
        if (!runOnWorker(id, task)) {
            stream.close();
            runtime.releaseServedStream(sender.id());
        }
    }

    private void onFetchRequest(long id, Wire.FetchRequest request) {
        ContentHash tesseraHash;
        int index = request.getIndex();
        try {
            tesseraHash = new ContentHash(request.getTesseraHash().toByteArray());
            if (index < 0 || index >= FragmentPlan.MAX_TOTAL_SHARDS) {
                throw new IllegalArgumentException("fragment index must be 0.." + (FragmentPlan.MAX_TOTAL_SHARDS - 1)
                        + ", got " + Integer.toUnsignedString(index));
            }
        } catch (IllegalArgumentException e) {
            replyError(id, ErrorCode.BAD_FRAME, "invalid fetch request: " + e.getMessage());
            return;
        }
        InboundHandler handler = runtime.handler();
        if (handler == null) {
            replyError(id, ErrorCode.NO_HANDLER, "no service on this node serves fragments yet");
            return;
        }
        NodeInfo sender = peer;
        if (!runtime.tryAcquireServedStream(sender.id())) {
            replyError(id, ErrorCode.BUSY, runtime.settings().maxConcurrentStreamsPerPeer()
                    + " fragment streams with " + sender + " are already open");
            return;
        }
        String what = tesseraHash + "/" + index;
        boolean queued = runOnWorker(id, () -> {
            Optional<FragmentEnvelope> found;
            try {
                found = handler.onFetch(sender, tesseraHash, index);
                if (found == null) {
                    found = Optional.empty();
                }
            } catch (RuntimeException | Error e) {
                LOG.warn("Handler failed on fetch of {} from {}", what, sender, e);
                runtime.releaseServedStream(sender.id());
                replyError(id, ErrorCode.INTERNAL, "handler failed on fetch of " + what + ": " + e);
                rethrowIfFatal(e);
                return;
            }
            if (found.isEmpty()) {
                runtime.releaseServedStream(sender.id());
                replyError(id, ErrorCode.NOT_FOUND, "fragment " + what + " is not held here");
                return;
            }
            FragmentEnvelope envelope = found.get();
            if (!envelope.id().tesseraHash().equals(tesseraHash) || envelope.id().index() != index) {
                runtime.releaseServedStream(sender.id());
                replyError(id, ErrorCode.INTERNAL, "the handler offered " + envelope.id() + " for " + what);
                return;
            }
            runOnEventLoop(() -> startFetchAnswer(id, envelope, sender));
        });
        if (!queued) {
            runtime.releaseServedStream(sender.id());
        }
    }

    private void startFetchAnswer(long id, FragmentEnvelope envelope, NodeInfo sender) {
        if (!ctx.channel().isActive()) {
            runtime.releaseServedStream(sender.id());
            return;
        }
        StallWatch[] watch = new StallWatch[1];
        OutboundFragmentStream stream = new OutboundFragmentStream(ctx.channel(), runtime.workers(), id, envelope,
                runtime.settings().chunkBytes(), "fragment " + envelope.id() + " to " + sender,
                (done, failure) -> runOnEventLoop(() -> {
                    watch[0].cancel();
                    outbound.remove(id);
                    runtime.releaseServedStream(sender.id());
                    if (failure != null) {
                        LOG.info("Serving fragment {} to {} failed: {}", envelope.id(), sender, failure.getMessage());
                    }
                }));
        outbound.put(id, stream);
        watch[0] = watchStall(stream, () -> close("fragment stream to " + sender + " stalled"));
        stream.resume();
    }

    // ---------------------------------------------------------------- frames a client receives

    private void onClientFrame(Wire.Envelope envelope) {
        long id = envelope.getRequestId();
        switch (envelope.getBodyCase()) {
            case FRAGMENT_HEADER -> onFetchHeader(id, envelope.getFragmentHeader());
            case FRAGMENT_CHUNK -> onChunk(id, envelope.getFragmentChunk());
            case FRAGMENT_END -> onEnd(id, envelope.getFragmentEnd());
            case FRAGMENT_ACK -> onAck(id, envelope.getFragmentAck());
            case ERROR -> onErrorReply(id, envelope.getError());
            default -> {
                if (WireMapper.isMessage(envelope)) {
                    onReply(id, envelope);
                } else {
                    LOG.info("Closing connection with {}: unexpected {} from a server", this, envelope.getBodyCase());
                    close("unexpected " + envelope.getBodyCase());
                }
            }
        }
    }

    private void onReply(long id, Wire.Envelope envelope) {
        PendingCall call = calls.remove(id);
        if (call == null) {
            LOG.debug("Dropping a late or unknown reply {} from {}", id, this);
            return;
        }
        call.timer.cancel(false);
        try {
            call.result.complete(WireMapper.fromWire(envelope));
        } catch (WireFormatException e) {
            call.result.completeExceptionally(new TransportException("bad reply to " + call.what + " from " + this
                    + ": " + e.getMessage()));
        }
    }

    private void onErrorReply(long id, Wire.Error error) {
        ErrorCode code = WireMapper.errorCode(error.getCode());
        RemoteErrorException failure = new RemoteErrorException(code, error.getReason() + " [from " + this + "]");
        PendingCall call = calls.remove(id);
        if (call != null) {
            call.timer.cancel(false);
            call.result.completeExceptionally(failure);
            return;
        }
        PushOperation push = pushes.get(id);
        if (push != null) {
            push.result.completeExceptionally(failure);
            push.stream.stop("the receiver answered " + code);
            finishPush(push);
            return;
        }
        FetchOperation<?> fetch = fetches.get(id);
        if (fetch != null) {
            fetch.result.completeExceptionally(failure);
            if (fetch.stream == null) {
                fetch.readerDone = true;
                fetch.streamDone = true;
                finishFetch(fetch);
            }
            return;
        }
        if (id == 0) {
            LOG.info("{} reports {}: {}", this, code, error.getReason());
            closeReason = code + ": " + error.getReason();
        } else {
            LOG.debug("Dropping a late error {} from {}: {}", id, this, error.getReason());
        }
    }

    private void onAck(long id, Wire.FragmentAck wireAck) {
        PushOperation op = pushes.get(id);
        if (op == null) {
            LOG.debug("Dropping an ack for unknown stream {} from {}", id, this);
            return;
        }
        Throwable localFailure = op.stream.failure();
        if (localFailure != null) {
            // this side gave up first (its source failed): the ack only answers our aborted end
            op.result.completeExceptionally(localFailure);
        } else {
            try {
                op.result.complete(WireMapper.ack(wireAck));
            } catch (WireFormatException e) {
                op.result.completeExceptionally(new TransportException("bad ack from " + this + ": " + e.getMessage()));
            }
        }
        if (!op.stream.isFinished()) {
            op.stream.stop("the receiver answered before the end of the stream");
        }
        finishPush(op);
    }

    private void onPushPumped(PushOperation op, Throwable failure) {
        outbound.remove(op.id);
        op.pumpDone = true;
        if (failure != null) {
            op.result.completeExceptionally(failure);
        }
        finishPush(op);
    }

    private void finishPush(PushOperation op) {
        if (op.pumpDone && op.result.isDone() && pushes.remove(op.id) != null) {
            op.stallWatch.cancel();
            op.whenIdle.run();
        }
    }

    private void onFetchHeader(long id, Wire.FragmentHeader header) {
        if (inbound.containsKey(id)) {
            LOG.info("Closing connection with {}: a second stream for request {}", this, id);
            close("a second stream for request " + id);
            return;
        }
        FetchOperation<?> op = fetches.get(id);
        InboundFragmentStream stream = openInbound(id, "fragment from " + this, header.getLength());
        if (op == null || op.stream != null) {
            stream.close();
            return;
        }
        op.headerTimer.cancel(false);
        op.stream = stream;
        startReader(op, header, stream);
    }

    private <T> void startReader(FetchOperation<T> op, Wire.FragmentHeader header, InboundFragmentStream stream) {
        FragmentId fragmentId;
        FragmentPlan plan;
        try {
            fragmentId = WireMapper.fragmentId(header.getId());
            plan = WireMapper.manifest(header.getManifest()).plan();
            checkHeader(fragmentId, plan, header.getLength());
            if (!fragmentId.tesseraHash().equals(op.tesseraHash) || fragmentId.index() != op.index) {
                throw new WireFormatException(ErrorCode.BAD_FRAME, "sent fragment " + fragmentId + " for a request of "
                        + op.tesseraHash + "/" + op.index);
            }
        } catch (WireFormatException e) {
            stream.close();
            op.result.completeExceptionally(new TransportException("fetch from " + this + ": " + e.getMessage()));
            op.readerDone = true;
            return;
        }
        try {
            runtime.workers().execute(() -> {
                try {
                    op.result.complete(op.reader.read(fragmentId, plan, stream));
                } catch (IOException | RuntimeException | Error e) {
                    op.result.completeExceptionally(e);
                    rethrowIfFatal(e);
                } finally {
                    stream.close();
                    runOnEventLoop(() -> {
                        op.readerDone = true;
                        finishFetch(op);
                    });
                }
            });
        } catch (RejectedExecutionException e) {
            stream.close();
            op.result.completeExceptionally(new TransportException("fetch from " + this
                    + ": the transport is shutting down"));
            op.readerDone = true;
        }
    }

    private void finishFetch(FetchOperation<?> op) {
        if (op.readerDone && op.streamDone && fetches.remove(op.id) != null) {
            op.whenIdle.run();
        }
    }

    // ---------------------------------------------------------------- fragment streams, both sides

    private InboundFragmentStream openInbound(long id, String description, long length) {
        InboundFragmentStream stream = new InboundFragmentStream(description, length,
                runtime.settings().rpcTimeoutMillis(), runtime.settings().streamHighWaterBytes(), this,
                runtime.peakQueuedBytes());
        inbound.put(id, stream);
        return stream;
    }

    private void onChunk(long id, Wire.FragmentChunk chunk) {
        InboundFragmentStream stream = inbound.get(id);
        if (stream == null) {
            LOG.debug("Dropping a chunk of unknown stream {} from {}", id, this);
            return;
        }
        stream.onChunk(chunk.getData());
    }

    private void onEnd(long id, Wire.FragmentEnd end) {
        InboundFragmentStream stream = inbound.remove(id);
        if (stream == null) {
            LOG.debug("Dropping the end of unknown stream {} from {}", id, this);
            return;
        }
        stream.onEnd(end.getAborted(), end.getReason());
        FetchOperation<?> fetch = fetches.get(id);
        if (fetch != null) {
            fetch.streamDone = true;
            finishFetch(fetch);
        }
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

    private void checkHeader(FragmentId fragmentId, FragmentPlan plan, long length) throws WireFormatException {
        if (!fragmentId.belongsTo(plan)) {
            throw new WireFormatException(ErrorCode.BAD_FRAME, "fragment " + fragmentId + " does not match its plan");
        }
        if (length != plan.shardSize()) {
            throw new WireFormatException(ErrorCode.BAD_FRAME, "fragment " + fragmentId + " announced " + length
                    + " bytes but its plan says " + plan.shardSize());
        }
    }

    private FragmentSource openOnce(InboundFragmentStream stream, FragmentId fragmentId) {
        AtomicBoolean opened = new AtomicBoolean();
        return () -> {
            if (!opened.compareAndSet(false, true)) {
                throw new IOException("the incoming stream of fragment " + fragmentId + " from " + this
                        + " can be opened only once");
            }
            return stream;
        };
    }

    /** Starts checking that {@code stream} still moves; {@code onStall} runs if it did not for the RPC timeout. */
    private StallWatch watchStall(OutboundFragmentStream stream, Runnable onStall) {
        StallWatch watch = new StallWatch(stream, onStall);
        watch.schedule(TimeUnit.MILLISECONDS.toNanos(runtime.settings().rpcTimeoutMillis()));
        return watch;
    }

    /** Re-arms itself while a stream makes progress; cancelled when the stream is over. */
    private final class StallWatch implements Runnable {
        private final long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(runtime.settings().rpcTimeoutMillis());
        private OutboundFragmentStream stream;
        private Runnable onStall;
        private ScheduledFuture<?> next;

        StallWatch(OutboundFragmentStream stream, Runnable onStall) {
            this.stream = stream;
            this.onStall = onStall;
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
        }

        @Override
        public void run() {
            if (stream == null || !ctx.channel().isActive()) {
                return;
            }
            long idle = System.nanoTime() - stream.lastProgressNanos();
            if (idle < timeoutNanos) {
                schedule(timeoutNanos - idle);
                return;
            }
            LOG.info("Fragment stream {} with {} made no progress for {} ms", stream.requestId(), PeerChannel.this,
                    TimeUnit.NANOSECONDS.toMillis(idle));
            Runnable stalled = onStall;
            cancel();
            stalled.run();
        }
    }

    // ---------------------------------------------------------------- sending answers (any thread)

    private void replyMessage(long id, Message reply) {
        Wire.Envelope.Builder body;
        try {
            body = WireMapper.toWire(reply);
        } catch (RuntimeException e) {
            body = errorBody(ErrorCode.INTERNAL, "the handler's reply cannot be sent: " + e.getMessage());
        }
        send(id, body);
    }

    private void replyError(long id, ErrorCode code, String reason) {
        send(id, errorBody(code, reason));
    }

    private void send(long id, Wire.Envelope.Builder body) {
        Wire.Envelope envelope = body.setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id).build();
        int size = envelope.getSerializedSize();
        if (size > runtime.settings().maxFrameBytes()) {
            LOG.warn("Reply {} to {} is {} bytes, over the control limit", envelope.getBodyCase(), this, size);
            envelope = errorEnvelope(id, ErrorCode.INTERNAL, "the reply is " + size + " bytes, over the control limit of "
                    + runtime.settings().maxFrameBytes() + " bytes");
        }
        ctx.writeAndFlush(envelope);
    }

    private static Wire.Envelope.Builder errorBody(ErrorCode code, String reason) {
        String text = reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...";
        return Wire.Envelope.newBuilder().setError(WireMapper.error(code, text));
    }

    private static Wire.Envelope errorEnvelope(long id, ErrorCode code, String reason) {
        return errorBody(code, reason).setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id).build();
    }

    // ---------------------------------------------------------------- threads

    /** Runs a handler task on a worker; when the workers refuse, answers BUSY and returns false. */
    private boolean runOnWorker(long id, Runnable task) {
        handlerTasks.incrementAndGet();
        try {
            runtime.workers().execute(() -> {
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

    private void runOnEventLoop(Runnable task) {
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Event loop of {} is gone; dropping a task", this);
        }
    }

    /** Runs {@code task} on the event loop once the connection is verified, or fails {@code result}. */
    private void onEventLoop(CompletableFuture<?> result, Runnable task, Runnable... onFailure) {
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
    private static void rethrowIfFatal(Throwable failure) {
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    private static String describe(Message message) {
        return message.getClass().getSimpleName();
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- bookkeeping records

    private static final class PendingCall {
        final CompletableFuture<Message> result;
        final String what;
        ScheduledFuture<?> timer;

        PendingCall(CompletableFuture<Message> result, String what) {
            this.result = result;
            this.what = what;
        }
    }

    private static final class PushOperation {
        final long id;
        final CompletableFuture<ReplicateAck> result;
        final Runnable whenIdle;
        OutboundFragmentStream stream;
        StallWatch stallWatch;
        boolean pumpDone;

        PushOperation(long id, CompletableFuture<ReplicateAck> result, Runnable whenIdle) {
            this.id = id;
            this.result = result;
            this.whenIdle = whenIdle;
        }
    }

    private static final class FetchOperation<T> {
        final long id;
        final ContentHash tesseraHash;
        final int index;
        final FragmentReader<T> reader;
        final CompletableFuture<T> result;
        final Runnable whenIdle;
        ScheduledFuture<?> headerTimer;
        InboundFragmentStream stream;
        boolean readerDone;
        boolean streamDone;

        FetchOperation(long id, ContentHash tesseraHash, int index, FragmentReader<T> reader,
                CompletableFuture<T> result, Runnable whenIdle) {
            this.id = id;
            this.tesseraHash = tesseraHash;
            this.index = index;
            this.reader = reader;
            this.result = result;
            this.whenIdle = whenIdle;
        }
    }
}
