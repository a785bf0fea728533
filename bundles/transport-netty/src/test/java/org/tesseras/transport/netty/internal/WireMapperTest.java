package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TestManifests;

class WireMapperTest {
    private final ContentHash hash = TestNodes.HASHER.hash(new byte[] {7});

    /** Through bytes and back, as on the wire. */
    private static Message roundTrip(Message message) throws Exception {
        byte[] bytes = WireMapper.toWire(message).setVersion(1).setRequestId(3).build().toByteArray();
        return WireMapper.fromWire(Wire.Envelope.parseFrom(bytes));
    }

    @Test
    void everyFrameKindOfTheCorpusDecodesToWhatWasSent() throws Exception {
        for (byte[] frame : FrameChecks.validFrames()) {
            Wire.Envelope envelope = Wire.Envelope.parseFrom(java.util.Arrays.copyOfRange(frame, 4, frame.length));
            if (WireMapper.isMessage(envelope)) {
                Message message = WireMapper.fromWire(envelope);
                assertEquals(message, roundTrip(message));
            }
        }
    }

    @Test
    void errorRepliesKeepTheirCodeAndReason() throws Exception {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(new Message.ErrorReply(code, "why " + code), roundTrip(new Message.ErrorReply(code,
                    "why " + code)));
        }
    }

    @Test
    void fragmentHeadersAndAcksSurvive() throws Exception {
        FragmentPlan plan = FragmentPlan.of(hash, 5_000_000, FragmentationTier.LARGE, 48, 24, 7);
        FragmentId id = new FragmentId(hash, 71, 72, hash);
        TesseraManifest manifest = TestManifests.unsigned(plan);
        Wire.FragmentHeader header = Wire.FragmentHeader.parseFrom(WireMapper.header(new FragmentEnvelope(id,
                manifest, FragmentSource.ofBytes(new byte[0]))).toByteArray());
        assertEquals(id, WireMapper.fragmentId(header.getId()));
        assertEquals(manifest, WireMapper.manifest(header.getManifest()));
        assertEquals(plan.shardSize(), header.getLength());
        for (ReplicateAck ack : List.of(ReplicateAck.accepted(List.of(1, 2)),
                ReplicateAck.refused(RefusalReason.NO_SPACE, "full", List.of()))) {
            assertEquals(ack, WireMapper.ack(Wire.FragmentAck.parseFrom(WireMapper.ack(ack).toByteArray())));
        }
    }

    @Test
    void invalidContentIsABadFrameNotACrash() {
        Wire.Envelope shortTarget = Wire.Envelope.newBuilder().setFindNode(Wire.FindNode.newBuilder()
                .setTarget(ByteString.copyFrom(new byte[5]))).build();
        WireFormatException e = assertThrows(WireFormatException.class, () -> WireMapper.fromWire(shortTarget));
        assertEquals(ErrorCode.BAD_FRAME, e.code());
        assertTrue(e.getMessage().contains("node id"), e.getMessage());

        Wire.Envelope badPort = Wire.Envelope.newBuilder().setFoundNodes(Wire.FoundNodes.newBuilder().addNodes(
                Wire.NodeInfo.newBuilder().setNodeId(ByteString.copyFrom(new byte[20]))
                        .setPublicKey(ByteString.copyFrom(new byte[32]))
                        .setAddress(Wire.Address.newBuilder().setIp(ByteString.copyFrom(new byte[] {127, 0, 0, 1}))
                                .setPort(70_000)))).build();
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(WireFormatException.class,
                () -> WireMapper.fromWire(badPort)).code());

        Wire.Envelope badIp = Wire.Envelope.newBuilder().setFoundNodes(Wire.FoundNodes.newBuilder().addNodes(
                Wire.NodeInfo.newBuilder().setNodeId(ByteString.copyFrom(new byte[20]))
                        .setPublicKey(ByteString.copyFrom(new byte[32]))
                        .setAddress(Wire.Address.newBuilder().setIp(ByteString.copyFrom(new byte[5])).setPort(1))))
                .build();
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(WireFormatException.class,
                () -> WireMapper.fromWire(badIp)).code());

        byte[] manifest = TestManifests.unsigned(FragmentPlan.of(hash, 10, FragmentationTier.SMALL, 1, 0, 1)).encode();
        WireFormatException truncated = assertThrows(WireFormatException.class,
                () -> WireMapper.manifest(ByteString.copyFrom(manifest, 0, manifest.length - 1)));
        assertEquals(ErrorCode.BAD_FRAME, truncated.code());
        assertTrue(truncated.getMessage().contains("manifest"), truncated.getMessage());
        assertThrows(WireFormatException.class, () -> WireMapper.capabilities(List.of("x".repeat(65))));
    }

    @Test
    void unresolvedHostsStayUnresolvedAndAreNeverLookedUp() throws Exception {
        Message.FoundNodes nodes = new Message.FoundNodes(List.of(new org.tesseras.api.model.NodeInfo(
                org.tesseras.api.model.NodeId.of("0b".repeat(20)), new byte[32], 1,
                new InetSocketAddress("127.0.0.1", 9), Set.of())));
        assertEquals(nodes, roundTrip(nodes));
    }
}
