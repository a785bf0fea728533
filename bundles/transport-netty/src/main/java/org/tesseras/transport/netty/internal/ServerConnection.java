package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.TransportException;

/**
 * The answering end of a connection a peer opened: requests go to the handler of their kind, a push header
 * is judged before any fragment byte is let through (go, or a refusal), and fetched fragments are streamed
 * back. Handlers run on worker threads, never on the event loop: requests on the control workers, pushes and
 * fetches on the served-stream workers, so streams can never keep a Ping from being answered.
 */
final class ServerConnection extends PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    /** Pushes whose header was taken but whose "go" is not sent yet: a chunk for one of them breaks the protocol. */
    private final Set<Long> awaitingGo = new HashSet<>();
    /**
     * Pushes this side ended before the peer's end frame came (the handler stopped reading, or the stream was cut):
     * their late chunks are dropped, and they hold neither the connection busy nor a served stream.
     */
    private final Set<Long> draining = new HashSet<>();

    ServerConnection(TransportRuntime runtime) {
        super(runtime, null);
    }

    @Override
    protected boolean isServer() {
        return true;
    }

    @Override
    protected boolean isIdle() {
        return handlerTasks.get() == 0 && inbound.isEmpty() && outbound.isEmpty();
    }

    @Override
    protected void onClosed(TransportException closed, String reason) {
        awaitingGo.clear();
        draining.clear();
    }

    @Override
    boolean receivingStream() {
        return super.receivingStream() || !draining.isEmpty();
    }

    @Override
    protected void onFrame(Wire.Envelope envelope) {
        long id = envelope.getRequestId();
        NodeInfo sender = peer();
        switch (envelope.getBodyCase()) {
            case FRAGMENT_HEADER -> onPushHeader(id, envelope.getFragmentHeader());
            case FRAGMENT_CHUNK -> {
                if (awaitingGo.contains(id)) {
                    close("chunk of push " + id + " before the go");
                    return;
                }
                if (!draining.contains(id)) {
                    onChunk(id, envelope.getFragmentChunk());
                }
            }
            case FRAGMENT_END -> {
                awaitingGo.remove(id);
                if (!draining.remove(id)) {
                    onEnd(id, envelope.getFragmentEnd());
                }
            }
            case FETCH_REQUEST -> onFetchRequest(id, envelope.getFetchRequest());
            case ERROR -> LOG.debug("{} reports for request {}: {}", this, id, envelope.getError().getReason());
            default -> {
                if (WireMapper.isMessage(envelope)) {
                    runtime.peerSeen(sender);
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
        Optional<RequestHandler> handler = runtime.requestHandler(request.kind());
        if (handler.isEmpty()) {
            replyError(id, ErrorCode.NO_HANDLER, "no service on this node handles " + describe(request) + " yet");
            return;
        }
        NodeInfo sender = peer();
        runOnWorker(id, runtime.controlWorkers(), () -> {
            Message reply;
            Throwable failure = null;
            try {
                reply = handler.get().answer(sender, request);
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

    /**
     * A push header: checked, then judged on a worker; the peer is told "go" before it may send a byte, or
     * gets the refusal at once. The stream is read on the same worker after the go.
     */
    private void onPushHeader(long id, Wire.FragmentHeader header) {
        if (inbound.containsKey(id) || draining.contains(id)) {
            replyError(id, ErrorCode.BAD_FRAME, "request id " + id + " already carries a stream");
            return;
        }
        if (inbound.size() + draining.size() >= 2 * runtime.settings().maxConcurrentStreamsPerPeer() + 2) {
            LOG.warn("Closing connection with {}: {} streams left open", this, inbound.size() + draining.size());
            close("too many open streams");
            return;
        }
        FragmentId fragmentId;
        TesseraManifest manifest;
        try {
            fragmentId = WireMapper.fragmentId(header.getId());
            manifest = WireMapper.manifest(header.getManifest());
            checkHeader(fragmentId, manifest.plan(), header.getLength());
        } catch (WireFormatException e) {
            LOG.info("Bad fragment header from {}: {}", this, e.getMessage());
            replyError(id, e.code(), e.getMessage());
            return;
        }
        Optional<PushHandler> handler = runtime.pushHandler();
        if (handler.isEmpty()) {
            replyError(id, ErrorCode.NO_HANDLER, "no service on this node stores fragments yet");
            return;
        }
        NodeInfo sender = peer();
        runtime.peerSeen(sender);
        if (!runtime.tryAcquireServedStream(sender.id())) {
            replyError(id, ErrorCode.BUSY, runtime.settings().maxConcurrentStreamsPerPeer()
                    + " fragment streams with " + sender + " are already open");
            return;
        }
        InboundFragmentStream stream = openInbound(id, "fragment " + fragmentId + " from " + this,
                header.getLength());
        awaitingGo.add(id);
        FragmentEnvelope envelope = new FragmentEnvelope(fragmentId, manifest, openOnce(stream, fragmentId));
        Runnable task = () -> {
            Wire.Envelope.Builder reply;
            Throwable failure = null;
            try {
                Optional<ReplicateAck> refusal = handler.get().judge(sender, fragmentId, manifest);
                if (refusal.isPresent()) {
                    reply = Wire.Envelope.newBuilder().setFragmentAck(WireMapper.ack(refusal.get()));
                } else {
                    stream.startClock();
                    runOnEventLoop(() -> {
                        if (awaitingGo.remove(id)) {
                            send(id, Wire.Envelope.newBuilder().setFragmentGo(Wire.FragmentGo.getDefaultInstance()));
                        }
                    });
                    ReplicateAck ack = handler.get().receive(sender, envelope);
                    reply = ack == null
                            ? errorBody(ErrorCode.INTERNAL, "the handler gave no verdict on " + fragmentId)
                            : Wire.Envelope.newBuilder().setFragmentAck(WireMapper.ack(ack));
                }
            } catch (RuntimeException | Error e) {
                LOG.warn("Handler failed on fragment {} from {}", fragmentId, sender, e);
                reply = errorBody(ErrorCode.INTERNAL, "handler failed on " + fragmentId + ": " + e);
                failure = e;
            } finally {
                stream.close();
                runtime.releaseServedStream(sender.id());
            }
            try {
                send(id, reply);
            } finally {
                runOnEventLoop(() -> servedPushEnded(id, stream));
            }
            rethrowIfFatal(failure);
        };
        if (!runOnWorker(id, runtime.servedStreamWorkers(), task)) {
            awaitingGo.remove(id);
            inbound.remove(id);
            stream.close();
            runtime.releaseServedStream(sender.id());
        }
    }

    /**
     * The handler of push {@code id} is done, whatever became of its stream (event loop): the stream no longer
     * counts as work under way, and a sender the stream was cut for (silent or trickling) loses the connection.
     */
    private void servedPushEnded(long id, InboundFragmentStream stream) {
        boolean goSent = !awaitingGo.remove(id);
        if (inbound.remove(id, stream) && goSent) {
            draining.add(id);
        }
        IOException cut = stream.cut();
        if (cut != null) {
            LOG.info("Closing connection with {}: {}", this, cut.getMessage());
            close("fragment stream cut: " + cut.getMessage());
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
        Optional<FetchHandler> handler = runtime.fetchHandler();
        if (handler.isEmpty()) {
            replyError(id, ErrorCode.NO_HANDLER, "no service on this node serves fragments yet");
            return;
        }
        NodeInfo sender = peer();
        runtime.peerSeen(sender);
        if (!runtime.tryAcquireServedStream(sender.id())) {
            replyError(id, ErrorCode.BUSY, runtime.settings().maxConcurrentStreamsPerPeer()
                    + " fragment streams with " + sender + " are already open");
            return;
        }
        String what = tesseraHash + "/" + index;
        boolean queued = runOnWorker(id, runtime.servedStreamWorkers(), () -> {
            Optional<FragmentEnvelope> found;
            try {
                found = handler.get().serve(sender, tesseraHash, index);
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
                runtime.settings().chunkBytes(), "fragment " + envelope.id() + " to " + sender, true,
                (done, failure) -> runOnEventLoop(() -> {
                    watch[0].cancel();
                    outbound.remove(id);
                    runtime.releaseServedStream(sender.id());
                    if (failure != null) {
                        LOG.info("Serving fragment {} to {} failed: {}", envelope.id(), sender, failure.getMessage());
                    }
                }));
        outbound.put(id, stream);
        watch[0] = watchStall(stream, () -> close("fragment stream to " + sender + " stalled"),
                () -> stream.stop("too slow: the receiver took less than "
                        + runtime.settings().minStreamBytesPerSecond() + " bytes a second"));
        stream.resume();
    }
}
