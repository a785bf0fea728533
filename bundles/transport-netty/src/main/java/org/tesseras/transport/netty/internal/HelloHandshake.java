package org.tesseras.transport.netty.internal;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.TransportException;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The first step of every connection, after TLS: both sides send a Hello, and each proves its NodeId from the
 * Ed25519 key it proved in TLS and the nonce in its Hello, with the required proof-of-work. Until then nothing
 * else is accepted; a peer that does not say Hello in time is closed. Once the peer is proven this handler hands
 * the connection to the {@link PeerConnection} behind it and leaves the pipeline.
 */
final class HelloHandshake extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HelloHandshake.class);

    private final TransportRuntime runtime;
    private final PeerConnection connection;
    private final boolean client;
    private final NodeId expectedPeer;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> helloTimer;
    private boolean done;

    /**
     * @param expectedPeer for a client, the NodeId the peer must prove (null for a seed address; always null for
     *        a server)
     */
    HelloHandshake(TransportRuntime runtime, PeerConnection connection, boolean client, NodeId expectedPeer) {
        this.runtime = runtime;
        this.connection = connection;
        this.client = client;
        this.expectedPeer = expectedPeer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        long timeoutMillis = runtime.settings().handshakeTimeoutMillis();
        helloTimer = context.executor().schedule(() -> {
            if (!done) {
                LOG.info("Closing connection with {}: no Hello within {} ms", connection, timeoutMillis);
                fail(new TransportException("no Hello from " + connection + " within " + timeoutMillis + " ms"));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                String reason = "TLS handshake with " + connection + " failed: "
                        + PeerConnection.rootMessage(handshake.cause());
                LOG.info("{}", reason);
                fail(new TransportException(reason, handshake.cause()));
            } else if (client) {
                context.writeAndFlush(helloEnvelope());
            }
            return;
        }
        // before the Hello the hello timer alone bounds the connection: the idle clock also runs through the TLS
        // handshake, which on a loaded machine can outlast a short idle timeout
        if (event instanceof io.netty.handler.timeout.IdleStateEvent) {
            return;
        }
        super.userEventTriggered(context, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof FrameFault fault) {
            LOG.info("Closing connection with {} before its Hello: {}", connection, fault.reason());
            if (client) {
                fail(new TransportException("bad frame before the Hello from " + connection + ": " + fault.reason()));
            } else {
                reject(fault.code(), fault.reason());
            }
            return;
        }
        if (message instanceof Wire.Envelope envelope) {
            try {
                onHandshakeFrame(envelope);
            } catch (RuntimeException e) {
                LOG.warn("Closing connection with {}: failed to handle its Hello", connection, e);
                fail(new TransportException("internal error in the Hello with " + connection + ": " + e, e));
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        String reason = PeerConnection.rootMessage(cause);
        if (PeerConnection.hasCause(cause, SSLException.class)) {
            reason = "TLS with " + connection + " failed: " + reason;
            LOG.info("{}", reason);
        } else {
            LOG.debug("Connection with {} failed before its Hello: {}", connection, reason);
        }
        fail(new TransportException(reason, cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        if (!done) {
            connection.failReady(new TransportException("connection to " + connection
                    + " closed before the Hello exchange completed: " + connection.closeReasonOr("closed by the peer")));
        }
        super.channelInactive(context);
    }

    private Wire.Envelope helloEnvelope() {
        return Wire.Envelope.newBuilder().setVersion(FrameDecoder.WIRE_VERSION).setRequestId(0)
                .setHello(WireMapper.hello(TransportRuntime.PROTOCOL_VERSION, runtime.identity().nonce(),
                        runtime.listenPort(), TransportRuntime.CAPABILITIES))
                .build();
    }

    private void onHandshakeFrame(Wire.Envelope envelope) {
        if (envelope.getBodyCase() == Wire.Envelope.BodyCase.ERROR && client) {
            ErrorCode code = WireMapper.errorCode(envelope.getError().getCode());
            String reason = "peer at " + connection + " refused the connection: " + envelope.getError().getReason();
            LOG.info("{} ({})", reason, code);
            connection.noteCloseReason(code + ": " + reason);
            finish(new RemoteErrorException(code, reason));
            ctx.close();
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
        NodeId id = runtime.verifier().deriveNodeId(publicKey);
        if (!runtime.verifier().verifyPow(id, publicKey, nonce)) {
            reject(ErrorCode.REFUSED, "nonce " + nonce + " shows " + runtime.verifier().powBits(publicKey, nonce)
                    + " bits of proof-of-work for the TLS key of " + id + ", " + runtime.verifier().powDifficulty()
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
        if (!client) {
            ctx.writeAndFlush(helloEnvelope());
        }
        helloTimer.cancel(false);
        done = true;
        ctx.pipeline().remove(this);
        LOG.debug("{} connection with {} established", client ? "Client" : "Server", verified);
        connection.established(verified);
        runtime.peerSeen(verified);
    }

    /** Refuses the peer with an error frame it can read, then closes. */
    private void reject(ErrorCode code, String reason) {
        String message = (client ? "Rejected node at " : "Rejected peer at ") + connection + ": " + reason;
        LOG.warn("{}", message);
        connection.noteCloseReason(reason);
        finish(new TransportException(message));
        ctx.writeAndFlush(PeerConnection.errorEnvelope(0, code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void fail(TransportException failure) {
        connection.noteCloseReason(failure.getMessage());
        finish(failure);
        ctx.close();
    }

    private void finish(TransportException failure) {
        done = true;
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        connection.failReady(failure);
    }
}
