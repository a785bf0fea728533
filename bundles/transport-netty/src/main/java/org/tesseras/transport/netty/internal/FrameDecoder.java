package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntSupplier;

import com.google.protobuf.CodedInputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.tesseras.api.message.ErrorCode;

/**
 * The one place bytes become frames: a 4-byte big-endian length, then a {@link Wire.Envelope}. Emits
 * an envelope whose version and type this node knows, or a {@link FrameFault}; never throws for
 * anything a peer sends. A length over the current limit, or a connection that ends inside a frame,
 * is fatal; a well-delimited frame that does not parse is not, so the connection keeps serving.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    static final int LENGTH_BYTES = 4;
    static final int WIRE_VERSION = 1;

    private final IntSupplier maxFrameBytes;
    private final int maxControlBytes;
    private boolean broken;

    /**
     * @param maxFrameBytes largest frame accepted now (the control limit, or the chunk limit while a
     *        stream is open); asked before each frame
     * @param maxControlBytes largest frame accepted for anything but a fragment chunk
     */
    FrameDecoder(IntSupplier maxFrameBytes, int maxControlBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.maxControlBytes = maxControlBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        int limit = maxFrameBytes.getAsInt();
        if (length > limit) {
            broken = true;
            in.skipBytes(in.readableBytes());
            out.add(new FrameFault(0, ErrorCode.TOO_LARGE,
                    "frame of " + length + " bytes exceeds the limit of " + limit + " bytes", true));
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(LENGTH_BYTES);
        out.add(parse(in.readSlice((int) length), maxControlBytes));
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!broken && in.isReadable()) {
            int held = in.readableBytes();
            broken = true;
            in.skipBytes(held);
            out.add(new FrameFault(0, ErrorCode.BAD_FRAME,
                    "truncated frame: the connection ended with " + held + " bytes of an incomplete frame", true));
        }
    }

    /** Parses one frame body (its length already checked); a fault for anything not a known message. */
    static Object parse(ByteBuf frame, int maxControlBytes) {
        Wire.Envelope envelope;
        try {
            envelope = Wire.Envelope.parseFrom(codedInput(frame));
        } catch (IOException e) {
            return new FrameFault(0, ErrorCode.BAD_FRAME, "undecodable frame of " + frame.capacity() + " bytes: "
                    + e.getMessage(), false);
        } catch (RuntimeException e) {
            return new FrameFault(0, ErrorCode.BAD_FRAME, "undecodable frame of " + frame.capacity() + " bytes: "
                    + e, false);
        }
        long requestId = envelope.getRequestId();
        if (envelope.getVersion() != WIRE_VERSION) {
            return new FrameFault(requestId, ErrorCode.UNSUPPORTED_VERSION,
                    "wire version " + envelope.getVersion() + " is not spoken here (this node speaks " + WIRE_VERSION
                            + ")", false);
        }
        if (envelope.getBodyCase() == Wire.Envelope.BodyCase.BODY_NOT_SET) {
            return new FrameFault(requestId, ErrorCode.UNKNOWN_TYPE, "unknown message type (fields "
                    + envelope.getUnknownFields().asMap().keySet() + ")", false);
        }
        if (envelope.getBodyCase() != Wire.Envelope.BodyCase.FRAGMENT_CHUNK && frame.capacity() > maxControlBytes) {
            return new FrameFault(requestId, ErrorCode.TOO_LARGE, "a " + envelope.getBodyCase() + " frame of "
                    + frame.capacity() + " bytes exceeds the control limit of " + maxControlBytes + " bytes", false);
        }
        return envelope;
    }

    private static CodedInputStream codedInput(ByteBuf frame) {
        if (frame.nioBufferCount() == 1) {
            ByteBuffer nio = frame.nioBuffer();
            return CodedInputStream.newInstance(nio);
        }
        return CodedInputStream.newInstance(new ByteBufInputStream(frame));
    }
}
