package org.tesseras.transport.netty.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;

/**
 * The socket peers connect to. A fixed port that is busy, or an address not there yet (a node that starts before
 * its network), does not stop the node: it can still reach its peers, and the socket is bound again every while
 * (2 s, doubling up to a minute) until it works, said once in the log and by the transport health check meanwhile.
 */
final class ServerListener {
    private static final Logger LOG = LoggerFactory.getLogger(ServerListener.class);
    static final long FIRST_RETRY_MILLIS = 2_000;
    static final long MAX_RETRY_MILLIS = 60_000;

    private final ServerBootstrap bootstrap;
    private final InetAddress address;
    private final int port;
    private final EventLoopGroup timers;
    private volatile Channel channel;
    private volatile ScheduledFuture<?> retry;
    private volatile boolean closed;

    ServerListener(ServerBootstrap bootstrap, InetAddress address, int port, EventLoopGroup timers) {
        this.bootstrap = bootstrap;
        this.address = address;
        this.port = port;
        this.timers = timers;
    }

    /**
     * Binds now and returns the port listened on. When binding fails on a fixed port, returns that port and keeps
     * trying in the background; on port 0 (any free one) a failure is thrown, as nothing else would work either.
     */
    int start() {
        ChannelFuture bound = bootstrap.bind(address, port).awaitUninterruptibly();
        if (bound.isSuccess()) {
            channel = bound.channel();
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }
        if (port == 0) {
            throw new IllegalStateException("cannot listen on " + where() + " (" + TransportConfiguration.PID
                    + " listenHost/listenPort): " + bound.cause(), bound.cause());
        }
        LOG.error("Cannot listen on {} ({} listenHost/listenPort): {}. This node can still reach its peers, but"
                + " none can reach it; trying again every while", where(), TransportConfiguration.PID,
                bound.cause().toString());
        scheduleRetry(FIRST_RETRY_MILLIS);
        return port;
    }

    /** Whether peers can connect now. */
    boolean listening() {
        Channel current = channel;
        return current != null && current.isActive();
    }

    /** Stops listening and trying. */
    void close(long waitMillis) {
        closed = true;
        ScheduledFuture<?> pending = retry;
        if (pending != null) {
            pending.cancel(false);
        }
        Channel current = channel;
        if (current != null) {
            current.close().awaitUninterruptibly(waitMillis);
        }
    }

    private void scheduleRetry(long delayMillis) {
        if (closed) {
            return;
        }
        retry = timers.schedule(() -> bindAgain(delayMillis), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void bindAgain(long lastDelayMillis) {
        if (closed) {
            return;
        }
        bootstrap.bind(address, port).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                LOG.debug("Still cannot listen on {}: {}", where(), bound.cause().toString());
                scheduleRetry(Math.min(MAX_RETRY_MILLIS, lastDelayMillis * 2));
                return;
            }
            if (closed) {
                bound.channel().close();
                return;
            }
            channel = bound.channel();
            LOG.info("Listening on {} now: peers can reach this node again", where());
        });
    }

    private String where() {
        return address.getHostAddress() + ":" + port;
    }
}
