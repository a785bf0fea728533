package org.tesseras.transport.netty.internal;

import java.util.function.Supplier;

import org.tesseras.api.metrics.NodeMetrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First in every pipeline: tells the node's metrics how many bytes cross the socket each way (TLS records and
 * all, as the network sees them). One instance serves every connection.
 */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {
    private final Supplier<NodeMetrics> metrics;

    ByteCounter(Supplier<NodeMetrics> metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            metrics.get().bytesReceived(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            metrics.get().bytesSent(bytes.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
