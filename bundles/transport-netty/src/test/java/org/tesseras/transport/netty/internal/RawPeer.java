package org.tesseras.transport.netty.internal;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import io.netty.handler.ssl.JdkSslContext;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

/** A hand-driven TLS client that writes whatever bytes a test wants and reads raw frames back. */
final class RawPeer implements Closeable {
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects with {@code identity}'s node certificate, as a real node would. */
    static RawPeer connect(InetSocketAddress server, NodeIdentity identity, IdentityVerifier verifier)
            throws IOException {
        SSLContext context = ((JdkSslContext) TlsContexts.create(identity, verifier).client()).context();
        return open(context, server);
    }

    /** Connects presenting no certificate at all. */
    static RawPeer connectWithoutCertificate(InetSocketAddress server, IdentityVerifier verifier) throws Exception {
        SSLContext context = SSLContext.getInstance(TlsContexts.PROTOCOL);
        context.init(null, new TrustManager[] {new SelfSignedPeerTrust(verifier)}, null);
        return open(context, server);
    }

    private static RawPeer open(SSLContext context, InetSocketAddress server) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(server.getAddress(), server.getPort());
        socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.startHandshake();
        return new RawPeer(socket);
    }

    /** Sends a Hello for {@code identity} (with {@code nonce}) and returns the server's first frame. */
    Wire.Envelope hello(long nonce) throws IOException {
        send(Wire.Envelope.newBuilder().setVersion(1).setHello(Wire.Hello.newBuilder()
                .setProtocolVersion(TransportRuntime.PROTOCOL_VERSION).setNonce(nonce).setListenPort(1234)).build());
        return receive();
    }

    void send(Wire.Envelope envelope) throws IOException {
        sendFramed(envelope.toByteArray());
    }

    /** Writes a 4-byte length, then {@code payload}. */
    void sendFramed(byte[] payload) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(payload.length).array());
        out.write(payload);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame, or null when the server closed the connection. */
    Wire.Envelope receive() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException | SSLException e) {
            return null;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return Wire.Envelope.parseFrom(payload);
    }

    /** Whether the server closes the connection (reads until end of stream or a TLS alert). */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (receive() == null) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
