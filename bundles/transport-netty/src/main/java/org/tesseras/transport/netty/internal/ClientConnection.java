package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.TransportException;

import io.netty.channel.ChannelFutureListener;

/**
 * The asking end of a connection this node opened: control requests matched to their replies by request id;
 * fragment pushes, whose header goes first and whose bytes follow only once the receiver says "go" (a refusal
 * costs no fragment bytes); and fetches, whose stream is handed to a reader on a worker thread.
 */
final class ClientConnection extends PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    private final AtomicInteger streamOperations = new AtomicInteger();

    // event loop only
    private final Map<Long, PushOperation> pushes = new HashMap<>();
    private final Map<Long, FetchOperation<?>> fetches = new HashMap<>();
    private long nextRequestId = 1;

    private final NodeId expectedPeer;

    /** A connection to {@code dialed}, whose peer must prove {@code expectedPeer} (null for a seed address). */
    ClientConnection(TransportRuntime runtime, InetSocketAddress dialed, NodeId expectedPeer) {
        super(runtime, dialed);
        this.expectedPeer = expectedPeer;
    }

    /** The NodeId the peer must prove, or null for a seed address. */
    NodeId expectedPeer() {
        return expectedPeer;
    }

    @Override
    protected boolean isServer() {
        return false;
    }

    @Override
    protected boolean isIdle() {
        return calls.isEmpty() && streamOperations.get() == 0;
    }

    /** Requests waiting for a reply. */
    int pendingCalls() {
        return calls.size();
    }

    /** Fragment streams this connection is carrying now. */
    int streamOperations() {
        return streamOperations.get();
    }

    // ---------------------------------------------------------------- operations (any thread)

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

    /**
     * Offers {@code envelope} to the peer with its header, streams it once the peer says go, and completes with
     * its ack; {@code whenIdle} runs once all is done.
     */
    CompletableFuture<ReplicateAck> push(FragmentEnvelope envelope, Runnable whenIdle) {
        CompletableFuture<ReplicateAck> result = new CompletableFuture<>();
        streamOperations.incrementAndGet();
        Runnable idleOnce = once(() -> {
            streamOperations.decrementAndGet();
            whenIdle.run();
        });
        onEventLoop(result, () -> {
            long id = nextRequestId++;
            PushOperation op = new PushOperation(id, envelope, result, idleOnce);
            pushes.put(id, op);
            long timeoutMillis = runtime.settings().rpcTimeoutMillis();
            op.goTimer = ctx.executor().schedule(() -> {
                if (pushes.get(id) == op && op.stream == null) {
                    result.completeExceptionally(new RequestTimeoutException("fragment " + envelope.id() + " to "
                            + this + ": no answer to its header within " + timeoutMillis + " ms"));
                    op.pumpDone = true;
                    finishPush(op);
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            ctx.writeAndFlush(Wire.Envelope.newBuilder().setVersion(FrameDecoder.WIRE_VERSION).setRequestId(id)
                    .setFragmentHeader(WireMapper.header(envelope)).build());
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

    // ---------------------------------------------------------------- frames from the server (event loop)

    @Override
    protected void onFrame(Wire.Envelope envelope) {
        long id = envelope.getRequestId();
        switch (envelope.getBodyCase()) {
            case FRAGMENT_HEADER -> onFetchHeader(id, envelope.getFragmentHeader());
            case FRAGMENT_CHUNK -> onChunk(id, envelope.getFragmentChunk());
            case FRAGMENT_END -> onEnd(id, envelope.getFragmentEnd());
            case FRAGMENT_GO -> onGo(id);
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
        runtime.peerSeen(peer());
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
            if (push.stream == null) {
                push.goTimer.cancel(false);
                push.pumpDone = true;
            } else {
                push.stream.stop("the receiver answered " + code);
            }
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
            noteCloseReason(code + ": " + error.getReason());
        } else {
            LOG.debug("Dropping a late error {} from {}: {}", id, this, error.getReason());
        }
    }

    /** The receiver takes the push: its bytes may go now. */
    private void onGo(long id) {
        PushOperation op = pushes.get(id);
        if (op == null || op.stream != null) {
            LOG.debug("Dropping a go for {} stream {} from {}", op == null ? "an unknown" : "a started", id, this);
            return;
        }
        op.goTimer.cancel(false);
        op.stream = new OutboundFragmentStream(ctx.channel(), runtime.workers(), id, op.envelope,
                runtime.settings().chunkBytes(), "fragment " + op.envelope.id() + " to " + this, false,
                (stream, failure) -> runOnEventLoop(() -> onPushPumped(op, failure)));
        outbound.put(id, op.stream);
        op.stallWatch = watchStall(op.stream, () -> {
            op.result.completeExceptionally(new RequestTimeoutException("fragment " + op.envelope.id() + " to " + this
                    + ": no progress for " + runtime.settings().rpcTimeoutMillis() + " ms"));
            close("fragment stream to " + this + " stalled");
        });
        op.stream.resume();
    }

    private void onAck(long id, Wire.FragmentAck wireAck) {
        PushOperation op = pushes.get(id);
        if (op == null) {
            LOG.debug("Dropping an ack for unknown stream {} from {}", id, this);
            return;
        }
        runtime.peerSeen(peer());
        Throwable localFailure = op.stream == null ? null : op.stream.failure();
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
        if (op.stream == null) {
            // refused at the header: no byte of the fragment was sent
            op.goTimer.cancel(false);
            op.pumpDone = true;
        } else if (!op.stream.isFinished()) {
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
            if (op.stallWatch != null) {
                op.stallWatch.cancel();
            }
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
        runtime.peerSeen(peer());
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
                        IOException cut = stream.cut();
                        if (cut != null && !op.streamDone) {
                            LOG.info("Closing connection with {}: {}", this, cut.getMessage());
                            close("fragment stream cut: " + cut.getMessage());
                        }
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

    @Override
    protected void afterStreamEnd(long id) {
        FetchOperation<?> fetch = fetches.get(id);
        if (fetch != null) {
            fetch.streamDone = true;
            finishFetch(fetch);
        }
    }

    private void finishFetch(FetchOperation<?> op) {
        if (op.readerDone && op.streamDone && fetches.remove(op.id) != null) {
            op.whenIdle.run();
        }
    }

    @Override
    protected void onClosed(TransportException closed, String reason) {
        for (Long id : new ArrayList<>(calls.keySet())) {
            PendingCall call = calls.remove(id);
            if (call != null) {
                call.timer.cancel(false);
                call.result.completeExceptionally(new TransportException(call.what + " to " + this
                        + ": connection closed: " + reason));
            }
        }
        for (PushOperation op : new ArrayList<>(pushes.values())) {
            op.result.completeExceptionally(closed);
            if (op.stream == null) {
                op.goTimer.cancel(false);
                op.pumpDone = true;
                finishPush(op);
            }
        }
        for (FetchOperation<?> op : new ArrayList<>(fetches.values())) {
            op.streamDone = true;
            if (op.stream == null) {
                op.result.completeExceptionally(closed);
                op.readerDone = true;
            }
            finishFetch(op);
        }
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
        final FragmentEnvelope envelope;
        final CompletableFuture<ReplicateAck> result;
        final Runnable whenIdle;
        ScheduledFuture<?> goTimer;
        OutboundFragmentStream stream;
        StallWatch stallWatch;
        boolean pumpDone;

        PushOperation(long id, FragmentEnvelope envelope, CompletableFuture<ReplicateAck> result, Runnable whenIdle) {
            this.id = id;
            this.envelope = envelope;
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
