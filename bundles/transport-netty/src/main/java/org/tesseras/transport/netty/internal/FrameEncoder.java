package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

/** Frames an envelope: its 4-byte big-endian length, then its bytes, in one pooled buffer. */
@Sharable
final class FrameEncoder extends MessageToMessageEncoder<Wire.Envelope> {
    static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Wire.Envelope envelope, List<Object> out) {
        out.add(encode(ctx.alloc(), envelope));
    }

    /** The framed bytes of {@code envelope}; the caller owns (and releases or writes) the buffer. */
    static ByteBuf encode(ByteBufAllocator alloc, Wire.Envelope envelope) {
        int size = envelope.getSerializedSize();
        ByteBuf frame = alloc.ioBuffer(FrameDecoder.LENGTH_BYTES + size);
        try {
            frame.writeInt(size);
            if (frame.nioBufferCount() == 1) {
                ByteBuffer target = frame.nioBuffer(frame.writerIndex(), size);
                CodedOutputStream output = CodedOutputStream.newInstance(target);
                envelope.writeTo(output);
                output.flush();
                output.checkNoSpaceLeft();
                frame.writerIndex(frame.writerIndex() + size);
            } else {
                envelope.writeTo(new ByteBufOutputStream(frame));
            }
            return frame;
        } catch (IOException e) {
            frame.release();
            throw new UncheckedIOException("cannot frame a " + envelope.getBodyCase() + " message", e);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
    }
}
