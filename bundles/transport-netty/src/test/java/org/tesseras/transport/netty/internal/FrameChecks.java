package org.tesseras.transport.netty.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.google.protobuf.ByteString;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.model.TestManifests;

/**
 * Feeds arbitrary bytes through the real frame decoder and the wire mapper, the way a connection
 * does, and checks that only frames and faults come out: no exception of any kind escapes.
 */
final class FrameChecks {
    static final int CONTROL_LIMIT = 64 * 1024;
    static final int STREAM_LIMIT = TransportSettings.MAX_CHUNK_BYTES + 1024;

    private FrameChecks() {
    }

    /**
     * Decodes {@code bytes} delivered in pieces of {@code pieceBytes}, with the chunk limit when
     * {@code streamOpen}; throws {@link AssertionError} (or whatever escaped) when the decoder misbehaves.
     */
    static int check(byte[] bytes, int pieceBytes, boolean streamOpen) {
        FrameDecoder decoder = new FrameDecoder(() -> streamOpen ? STREAM_LIMIT : CONTROL_LIMIT, CONTROL_LIMIT);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        int outputs = 0;
        boolean fatal = false;
        for (int offset = 0; offset < bytes.length; offset += pieceBytes) {
            int n = Math.min(pieceBytes, bytes.length - offset);
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, offset, n));
            channel.checkException();
            for (Object out = channel.readInbound(); out != null; out = channel.readInbound()) {
                fatal = checkOutput(out, fatal);
                outputs++;
            }
        }
        channel.finish();
        channel.checkException();
        for (Object out = channel.readInbound(); out != null; out = channel.readInbound()) {
            fatal = checkOutput(out, fatal);
            outputs++;
        }
        return outputs;
    }

    private static boolean checkOutput(Object out, boolean fatalSeen) {
        if (fatalSeen) {
            throw new AssertionError("output after a fatal fault: " + out);
        }
        if (out instanceof FrameFault fault) {
            if (fault.code() == null || fault.reason() == null || fault.reason().isEmpty()) {
                throw new AssertionError("a fault without code or reason: " + fault);
            }
            return fault.fatal();
        }
        if (!(out instanceof Wire.Envelope envelope)) {
            throw new AssertionError("unexpected output " + out);
        }
        if (envelope.getVersion() != FrameDecoder.WIRE_VERSION
                || envelope.getBodyCase() == Wire.Envelope.BodyCase.BODY_NOT_SET) {
            throw new AssertionError("an envelope the decoder should have refused: " + envelope);
        }
        mapAsAConnectionWould(envelope);
        return false;
    }

    /** Runs the conversions a connection applies to what it receives; only WireFormatException may come out. */
    private static void mapAsAConnectionWould(Wire.Envelope envelope) {
        try {
            switch (envelope.getBodyCase()) {
                case HELLO -> WireMapper.capabilities(envelope.getHello().getCapabilitiesList());
                case FRAGMENT_HEADER -> {
                    WireMapper.fragmentId(envelope.getFragmentHeader().getId());
                    WireMapper.manifest(envelope.getFragmentHeader().getManifest());
                }
                case FRAGMENT_ACK -> WireMapper.ack(envelope.getFragmentAck());
                case ERROR -> WireMapper.errorCode(envelope.getError().getCode());
                default -> {
                    if (WireMapper.isMessage(envelope)) {
                        WireMapper.fromWire(envelope);
                    }
                }
            }
        } catch (WireFormatException e) {
            if (e.code() == null || e.getMessage() == null) {
                throw new AssertionError("a wire fault without code or message", e);
            }
        }
    }

    /** One valid frame of every kind, length prefix included. */
    static List<byte[]> validFrames() {
        ContentHash hash = TestNodes.HASHER.hash(new byte[] {1});
        NodeId node = NodeId.of("0a".repeat(20));
        FragmentPlan plan = FragmentPlan.of(hash, 1_000_000, FragmentationTier.MEDIUM, 16, 8, 7);
        FragmentId id = new FragmentId(hash, 3, 24, hash);
        TesseraPointer pointer = TestManifests.unsignedPointer(TestManifests.unsigned(plan), node, List.of(
                new Holder(node, new InetSocketAddress("10.1.2.3", 4433), List.of(1, 2)), new Holder(node,
                InetSocketAddress.createUnresolved("peer.example", 4433), List.of(3))), 123L);
        CataloguePage page = new CataloguePage(node, new byte[32], 7, 0, 1, List.of(hash), 9L, new byte[64]);
        byte[] nonce = new byte[Attestation.NONCE_LENGTH];
        Attestation attestation = new Attestation(hash, nonce, List.of(new Attestation.Entry(1, hash,
                new byte[32])), 5L, node, new byte[64]);
        NodeInfo info = new NodeInfo(node, new byte[32], 99, new InetSocketAddress("::1", 5), Set.of("a", "b"));
        List<Wire.Envelope.Builder> bodies = new ArrayList<>();
        for (Message message : List.of(new Message.Ping(), new Message.Pong(), new Message.FindNode(node),
                new Message.FoundNodes(List.of(info, info)), new Message.FindValue(hash),
                new Message.FoundValue(List.of(pointer)), new Message.Store(pointer), new Message.Stored(),
                new Message.FindCatalogue(node, 0), new Message.FoundCatalogue(page), new Message.StoreCatalogue(page),
                new Message.AttestRequest(hash, nonce), new Message.AttestResponse(attestation),
                new Message.ErrorReply(ErrorCode.BUSY, "later"))) {
            bodies.add(WireMapper.toWire(message));
        }
        bodies.add(Wire.Envelope.newBuilder().setHello(WireMapper.hello(1, -5, 4433, Set.of("fragment-stream/1"))));
        bodies.add(Wire.Envelope.newBuilder().setFragmentHeader(WireMapper.header(new FragmentEnvelope(id, TestManifests.unsigned(plan),
                FragmentSource.ofBytes(new byte[0])))));
        bodies.add(Wire.Envelope.newBuilder().setFragmentChunk(Wire.FragmentChunk.newBuilder()
                .setData(ByteString.copyFrom(new byte[300]))));
        bodies.add(Wire.Envelope.newBuilder().setFragmentEnd(Wire.FragmentEnd.newBuilder().setAborted(true)
                .setReason("gone")));
        bodies.add(Wire.Envelope.newBuilder().setFragmentAck(WireMapper.ack(ReplicateAck.accepted(List.of(1, 3)))));
        bodies.add(Wire.Envelope.newBuilder().setFetchRequest(Wire.FetchRequest.newBuilder()
                .setTesseraHash(ByteString.copyFrom(hash.bytes())).setIndex(2)));
        List<byte[]> frames = new ArrayList<>();
        long requestId = 1;
        for (Wire.Envelope.Builder body : bodies) {
            byte[] payload = body.setVersion(1).setRequestId(requestId++).build().toByteArray();
            byte[] frame = new byte[4 + payload.length];
            frame[0] = (byte) (payload.length >>> 24);
            frame[1] = (byte) (payload.length >>> 16);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
            System.arraycopy(payload, 0, frame, 4, payload.length);
            frames.add(frame);
        }
        return frames;
    }
}
