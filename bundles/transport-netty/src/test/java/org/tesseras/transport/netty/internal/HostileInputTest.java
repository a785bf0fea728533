package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.transport.netty.internal.NettyTransportTest.await;
import static org.tesseras.transport.netty.internal.NettyTransportTest.failure;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.TransportException;
import org.tesseras.transport.netty.internal.TestNodes.Node;

/**
 * What a hostile or broken peer can send a node, each on a real TLS connection to 127.0.0.1: every
 * case is refused with an error reply or a closed connection, and a good peer is served right after.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
    @TempDir
    Path dir;

    private Node server;
    private Node good;
    private NodeIdentity rawIdentity;
    private final IdentityVerifier verifier = TestNodes.verifier(TestNodes.DIFFICULTY);

    @BeforeEach
    void startNodes() {
        server = TestNodes.node(dir, Map.of("idleTimeoutSeconds", 1));
        good = TestNodes.node(dir, Map.of());
        rawIdentity = TestNodes.identity(dir, TestNodes.DIFFICULTY);
    }

    @AfterEach
    void stopNodes() {
        good.close();
        server.close();
    }

    /** A good peer still gets its answer. */
    private void assertServing() throws Exception {
        assertInstanceOf(Message.Pong.class, await(good.transport().request(server.loopbackContact(),
                new Message.Ping())).message());
    }

    /** A raw peer that has passed TLS and Hello. */
    private RawPeer verifiedRawPeer() throws IOException {
        RawPeer peer = RawPeer.connect(server.address(), rawIdentity, verifier);
        Wire.Envelope hello = peer.hello(rawIdentity.nonce());
        assertNotNull(hello, "the server answered the Hello");
        assertEquals(Wire.Envelope.BodyCase.HELLO, hello.getBodyCase());
        return peer;
    }

    private static Wire.Envelope ping(long id) {
        return Wire.Envelope.newBuilder().setVersion(1).setRequestId(id).setPing(Wire.Ping.getDefaultInstance())
                .build();
    }

    private static void assertError(Wire.Envelope reply, long id, Wire.ErrorCode code) {
        assertNotNull(reply, "an error reply, not a silent close");
        assertEquals(Wire.Envelope.BodyCase.ERROR, reply.getBodyCase(), reply.toString());
        assertEquals(code, reply.getError().getCode(), reply.toString());
        assertEquals(id, reply.getRequestId());
        assertFalse(reply.getError().getReason().isEmpty());
    }

    private static void assertPong(Wire.Envelope reply, long id) {
        assertNotNull(reply);
        assertEquals(Wire.Envelope.BodyCase.PONG, reply.getBodyCase(), reply.toString());
        assertEquals(id, reply.getRequestId());
    }

    @Test
    void aVerifiedRawPeerIsServedLikeANode() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            peer.send(ping(3));
            assertPong(peer.receive(), 3);
        }
        assertEquals(rawIdentity.nodeId(), server.handler().senders.get(0).id());
    }

    @Test
    void garbageInsideAFrameIsAnsweredBadFrameAndTheConnectionServesOn() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            byte[] garbage = new byte[100];
            new Random(1).nextBytes(garbage);
            garbage[0] = (byte) 0xff;
            peer.sendFramed(garbage);
            assertError(peer.receive(), 0, Wire.ErrorCode.ERROR_BAD_FRAME);
            peer.send(ping(4));
            assertPong(peer.receive(), 4);
        }
        assertServing();
    }

    @Test
    void unframedGarbageIsRefusedAndItsConnectionClosed() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            byte[] garbage = new byte[4096];
            new Random(2).nextBytes(garbage);
            garbage[0] = (byte) 0x7f;
            peer.sendRaw(garbage);
            assertError(peer.receive(), 0, Wire.ErrorCode.ERROR_TOO_LARGE);
            assertTrue(peer.closedByServer());
        }
        assertServing();
    }

    @Test
    void garbageInsteadOfAHelloClosesTheConnection() throws Exception {
        try (RawPeer peer = RawPeer.connect(server.address(), rawIdentity, verifier)) {
            byte[] garbage = new byte[64];
            new Random(3).nextBytes(garbage);
            garbage[0] = 0;
            garbage[1] = 0;
            garbage[2] = 0;
            garbage[3] = 60;
            peer.sendRaw(garbage);
            assertTrue(peer.closedByServer());
        }
        assertServing();
    }

    @Test
    void anOversizeLengthIsRefusedAndItsConnectionClosed() throws Exception {
        for (int length : new int[] {65537, 2 * 1024 * 1024, -1}) {
            try (RawPeer peer = verifiedRawPeer()) {
                peer.sendRaw(ByteBuffer.allocate(8).putInt(length).putInt(0).array());
                assertError(peer.receive(), 0, Wire.ErrorCode.ERROR_TOO_LARGE);
                assertTrue(peer.closedByServer());
            }
            assertServing();
        }
    }

    @Test
    void aControlMessageOverTheLimitIsRefusedEvenWhileAStreamAllowsBigFrames() throws Exception {
        FragmentEnvelope fragment = FragmentStreamTest.patternEnvelope(1000, 1);
        server.handler().onFragment = (sender, envelope) -> org.tesseras.api.model.ReplicateAck.accepted(
                java.util.List.of());
        try (RawPeer peer = verifiedRawPeer()) {
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(5).setFragmentHeader(
                    WireMapper.header(fragment)).build());
            Wire.Envelope.Builder bigStore = Wire.Envelope.newBuilder().setVersion(1).setRequestId(6)
                    .setFindValue(Wire.FindValue.newBuilder().setTesseraHash(ByteString.copyFrom(new byte[100_000])));
            peer.send(bigStore.build());
            // the push may be answered first (its go, then its ack), in any interleaving with the refusal
            Wire.Envelope answer = peer.receive();
            for (int skipped = 0; answer.getRequestId() == 5 && skipped < 2; skipped++) {
                answer = peer.receive();
            }
            assertError(answer, 6, Wire.ErrorCode.ERROR_TOO_LARGE);
        }
        assertServing();
    }

    @Test
    void aPeerThatPassesTlsButNeverSaysHelloIsClosedWhenItsHandshakeTimeRunsOut() throws Exception {
        Node patient = TestNodes.node(dir, Map.of("idleTimeoutSeconds", 3600));
        try (RawPeer peer = RawPeer.connect(patient.address(), rawIdentity, verifier)) {
            long start = System.nanoTime();
            assertTrue(peer.closedByServer(), "a connection without a Hello is closed, whatever the idle timeout");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waitedMillis >= 2_000, "closed by the Hello timer ("
                    + TransportSettings.MIN_HANDSHAKE_TIMEOUT_MILLIS + " ms), not at once: " + waitedMillis + " ms");
        } finally {
            patient.close();
        }
        assertServing();
    }

    @Test
    void aTruncatedFrameIsDroppedWithItsConnection() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            peer.sendRaw(ByteBuffer.allocate(14).putInt(1000).put(new byte[10]).array());
            assertTrue(peer.closedByServer(), "the stalled connection is closed (idle timeout)");
        }
        try (RawPeer peer = verifiedRawPeer()) {
            peer.sendRaw(ByteBuffer.allocate(14).putInt(1000).put(new byte[10]).array());
        }
        assertServing();
    }

    @Test
    void anUnknownWireVersionIsAnsweredUnsupportedVersion() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            peer.send(ping(5).toBuilder().setVersion(2).build());
            assertError(peer.receive(), 5, Wire.ErrorCode.ERROR_UNSUPPORTED_VERSION);
            peer.send(ping(6));
            assertPong(peer.receive(), 6);
        }
        assertServing();
    }

    @Test
    void anUnknownMessageTypeIsAnsweredUnknownType() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            Wire.Envelope unknown = Wire.Envelope.newBuilder().setVersion(1).setRequestId(9)
                    .setUnknownFields(UnknownFieldSet.newBuilder().addField(99,
                            UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
                    .build();
            peer.send(unknown);
            assertError(peer.receive(), 9, Wire.ErrorCode.ERROR_UNKNOWN_TYPE);
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(10)
                    .setFragmentAck(Wire.FragmentAck.getDefaultInstance()).build());
            assertError(peer.receive(), 10, Wire.ErrorCode.ERROR_UNKNOWN_TYPE);
            peer.send(ping(11));
            assertPong(peer.receive(), 11);
        }
        assertServing();
    }

    @Test
    void malformedFieldsAreAnsweredBadFrame() throws Exception {
        try (RawPeer peer = verifiedRawPeer()) {
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(12).setFindNode(Wire.FindNode.newBuilder()
                    .setTarget(ByteString.copyFrom(new byte[3]))).build());
            assertError(peer.receive(), 12, Wire.ErrorCode.ERROR_BAD_FRAME);
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(13).setFetchRequest(
                    Wire.FetchRequest.newBuilder().setTesseraHash(ByteString.copyFrom(new byte[32])).setIndex(-1))
                    .build());
            assertError(peer.receive(), 13, Wire.ErrorCode.ERROR_BAD_FRAME);
            peer.send(ping(14));
            assertPong(peer.receive(), 14);
        }
        assertServing();
    }

    @Test
    void fragmentBytesSentBeforeTheReceiversGoCloseTheConnection() throws Exception {
        FragmentEnvelope fragment = FragmentStreamTest.patternEnvelope(100, 2);
        server.handler().onJudge = (sender, id) -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return java.util.Optional.empty();
        };
        try (RawPeer peer = verifiedRawPeer()) {
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(30).setFragmentHeader(
                    WireMapper.header(fragment)).build());
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(30).setFragmentChunk(
                    Wire.FragmentChunk.newBuilder().setData(ByteString.copyFrom(new byte[100]))).build());
            assertTrue(peer.closedByServer(), "a sender that does not wait for the go is dropped");
        } finally {
            server.handler().onJudge = (sender, id) -> java.util.Optional.empty();
        }
        assertServing();
    }

    @Test
    void aStreamCarryingMoreThanItsHeaderSaysFailsTheHandlersRead() throws Exception {
        FragmentEnvelope fragment = FragmentStreamTest.patternEnvelope(100, 2);
        try (RawPeer peer = verifiedRawPeer()) {
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(20).setFragmentHeader(
                    WireMapper.header(fragment)).build());
            Wire.Envelope go = peer.receive();
            assertNotNull(go);
            assertEquals(Wire.Envelope.BodyCase.FRAGMENT_GO, go.getBodyCase(), go.toString());
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(20).setFragmentChunk(
                    Wire.FragmentChunk.newBuilder().setData(ByteString.copyFrom(new byte[300]))).build());
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(20)
                    .setFragmentEnd(Wire.FragmentEnd.getDefaultInstance()).build());
            Wire.Envelope ack = peer.receive();
            assertNotNull(ack);
            assertEquals(Wire.Envelope.BodyCase.FRAGMENT_ACK, ack.getBodyCase(), ack.toString());
            assertFalse(ack.getFragmentAck().getAccepted());
            assertTrue(ack.getFragmentAck().getDetail().contains("more than"), ack.toString());

            Wire.FragmentHeader lying = WireMapper.header(fragment).toBuilder().setLength(5)
                    .build();
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(21).setFragmentHeader(lying).build());
            assertError(peer.receive(), 21, Wire.ErrorCode.ERROR_BAD_FRAME);
            peer.send(ping(22));
            assertPong(peer.receive(), 22);
        }
        assertServing();
    }

    @Test
    void aRequestBeforeTheHelloIsRefusedAndTheConnectionClosed() throws Exception {
        try (RawPeer peer = RawPeer.connect(server.address(), rawIdentity, verifier)) {
            peer.send(ping(1));
            assertError(peer.receive(), 0, Wire.ErrorCode.ERROR_REFUSED);
            assertTrue(peer.closedByServer());
        }
        assertTrue(server.handler().senders.isEmpty());
        assertServing();
    }

    @Test
    void aTlsClientWithoutACertificateIsRefused() throws Exception {
        boolean refused;
        try (RawPeer peer = RawPeer.connectWithoutCertificate(server.address(), verifier)) {
            peer.send(Wire.Envelope.newBuilder().setVersion(1).setHello(Wire.Hello.newBuilder()
                    .setProtocolVersion(1).setNonce(rawIdentity.nonce()).setListenPort(1)).build());
            Wire.Envelope reply = peer.receive();
            assertNull(reply, "no Hello comes back");
            refused = true;
        } catch (SSLException | SocketException e) {
            // TLS 1.3: the client is done with the handshake before the server has checked its (empty) chain, so
            // the server's refusal arrives as an alert, or, if it has already closed, as a broken pipe or reset
            refused = true;
        }
        assertTrue(refused);
        assertTrue(server.handler().senders.isEmpty());
        assertServing();
    }

    @Test
    void aHelloWithANonceThatDoesNotProveTheKeyIsRefused() throws Exception {
        try (RawPeer peer = RawPeer.connect(server.address(), rawIdentity, verifier)) {
            Wire.Envelope reply = peer.hello(rawIdentity.nonce() + 1);
            assertError(reply, 0, Wire.ErrorCode.ERROR_REFUSED);
            assertTrue(reply.getError().getReason().contains("proof-of-work"), reply.toString());
            assertTrue(peer.closedByServer());
        }
        assertServing();
    }

    @Test
    void aNodeWithTooLittleProofOfWorkIsRefused() throws Exception {
        NodeIdentity weak = TestNodes.weakIdentity(dir, TestNodes.DIFFICULTY);
        NettyTransport weakTransport = new NettyTransport(weak, TestNodes.verifier(0), TestNodes.config(Map.of()));
        try {
            Throwable failure = failure(weakTransport.request(server.loopbackContact(), new Message.Ping()));
            assertInstanceOf(TransportException.class, failure);
            assertTrue(failure.getMessage().contains("proof-of-work"), failure.getMessage());
        } finally {
            weakTransport.deactivate();
        }
        assertTrue(server.handler().senders.isEmpty());
        assertServing();
    }

    @Test
    void aWrongHelloVersionIsRefused() throws Exception {
        // 1: a node from before one NodeId per key, whose NodeIds this node would not recognise
        for (int version : new int[] {1, 7}) {
            try (RawPeer peer = RawPeer.connect(server.address(), rawIdentity, verifier)) {
                peer.send(Wire.Envelope.newBuilder().setVersion(1).setHello(Wire.Hello.newBuilder()
                        .setProtocolVersion(version).setNonce(rawIdentity.nonce()).setListenPort(1)).build());
                assertError(peer.receive(), 0, Wire.ErrorCode.ERROR_UNSUPPORTED_VERSION);
                assertTrue(peer.closedByServer(), "version " + version);
            }
        }
        assertServing();
    }
}
