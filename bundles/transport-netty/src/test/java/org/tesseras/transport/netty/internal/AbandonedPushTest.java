package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.transport.netty.internal.NettyTransportTest.await;
import static org.tesseras.transport.netty.internal.NettyTransportTest.eventually;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.transport.netty.internal.TestNodes.Node;

/**
 * Pushes a peer is told "go" for and then never feeds: once the receiver cuts such a stream, it no longer holds the
 * connection busy, so peers that do this cannot fill the inbound connections for good.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbandonedPushTest {
    private static final int MAX_INBOUND = 16;

    @TempDir
    Path dir;

    @Test
    void peersThatGetTheGoAndSendNothingLoseTheirConnectionsAndAnHonestPeerStillPushes() throws Exception {
        IdentityVerifier verifier = TestNodes.verifier(TestNodes.DIFFICULTY);
        try (Node server = TestNodes.node(dir, Map.of("rpcTimeoutMillis", 1_000L, "idleTimeoutSeconds", 3_600,
                "maxInboundConnections", MAX_INBOUND, "maxInboundConnectionsPerAddress", 1024));
                Node honest = TestNodes.node(dir, Map.of())) {
            List<RawPeer> zombies = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_INBOUND; i++) {
                    NodeIdentity identity = TestNodes.identity(dir, TestNodes.DIFFICULTY);
                    RawPeer peer = RawPeer.connect(server.address(), identity, verifier);
                    zombies.add(peer);
                    assertEquals(Wire.Envelope.BodyCase.HELLO, peer.hello(identity.nonce()).getBodyCase());
                    FragmentEnvelope fragment = FragmentStreamTest.patternEnvelope(100_000, i);
                    peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(7).setFragmentHeader(
                            WireMapper.header(fragment)).build());
                    Wire.Envelope go = peer.receive();
                    assertNotNull(go);
                    assertEquals(Wire.Envelope.BodyCase.FRAGMENT_GO, go.getBodyCase(), go.toString());
                }
                for (RawPeer zombie : zombies) {
                    Wire.Envelope verdict = zombie.receive();
                    assertNotNull(verdict, "the push is answered when its stream is cut");
                    assertEquals(Wire.Envelope.BodyCase.FRAGMENT_ACK, verdict.getBodyCase(), verdict.toString());
                    assertFalse(verdict.getFragmentAck().getAccepted());
                }
                ReplicateAck ack = await(honest.transport().sendFragment(server.loopbackContact(),
                        FragmentStreamTest.patternEnvelope(100_000, 99)));
                assertTrue(ack.accepted(), ack.toString());
                for (RawPeer zombie : zombies) {
                    assertTrue(zombie.closedByServer(), "a sender whose stream was cut loses its connection");
                }
                eventually("no connection is held by a cut stream", () ->
                        server.transport().inboundConnectionCount() <= 1);
            } finally {
                for (RawPeer zombie : zombies) {
                    zombie.close();
                }
            }
        }
    }

    @Test
    void chunksAPeerSendsAfterTheReceiverAnsweredAreDroppedAndTheConnectionServesOn() throws Exception {
        IdentityVerifier verifier = TestNodes.verifier(TestNodes.DIFFICULTY);
        try (Node server = TestNodes.node(dir, Map.of())) {
            server.handler().onFragment = (sender, envelope) -> ReplicateAck.refused(
                    org.tesseras.api.model.RefusalReason.NO_SPACE, "answered without reading", List.of());
            NodeIdentity identity = TestNodes.identity(dir, TestNodes.DIFFICULTY);
            try (RawPeer peer = RawPeer.connect(server.address(), identity, verifier)) {
                assertEquals(Wire.Envelope.BodyCase.HELLO, peer.hello(identity.nonce()).getBodyCase());
                FragmentEnvelope fragment = FragmentStreamTest.patternEnvelope(400_000, 3);
                peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(9).setFragmentHeader(
                        WireMapper.header(fragment)).build());
                assertEquals(Wire.Envelope.BodyCase.FRAGMENT_GO, peer.receive().getBodyCase());
                Wire.Envelope verdict = peer.receive();
                assertEquals(Wire.Envelope.BodyCase.FRAGMENT_ACK, verdict.getBodyCase(), verdict.toString());
                // sent as if the verdict had crossed them: chunks over the control limit, then the end
                for (int i = 0; i < 2; i++) {
                    peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(9).setFragmentChunk(
                            Wire.FragmentChunk.newBuilder().setData(com.google.protobuf.ByteString.copyFrom(
                                    new byte[200_000]))).build());
                }
                peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(9).setFragmentEnd(
                        Wire.FragmentEnd.newBuilder().setAborted(true).setReason("answered")).build());
                peer.send(Wire.Envelope.newBuilder().setVersion(1).setRequestId(10).setPing(
                        Wire.Ping.getDefaultInstance()).build());
                Wire.Envelope pong = peer.receive();
                assertNotNull(pong, "the connection serves on");
                assertEquals(Wire.Envelope.BodyCase.PONG, pong.getBodyCase(), pong.toString());
            }
        }
    }
}
