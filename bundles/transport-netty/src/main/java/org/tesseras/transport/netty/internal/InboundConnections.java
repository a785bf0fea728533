package org.tesseras.transport.netty.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;

/**
 * The connections peers opened to this node, at most {@code maxInboundConnections} in all and
 * {@code maxInboundConnectionsPerAddress} from one IP address. A connection past a cap makes room by closing the
 * oldest idle one (of that address, or of all): idle means no request being answered and no stream open, oldest
 * means longest without a frame. When none is idle the newcomer is refused (closed at once), so connections held
 * open by one host cannot lock peers out, and connections doing work are never cut for a newcomer.
 */
final class InboundConnections {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConnections.class);

    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<Channel, ServerConnection> open = new LinkedHashMap<>();

    InboundConnections(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes {@code channel} in, closing an idle one to make room where needed; false when it must be refused. */
    boolean admit(Channel channel, ServerConnection connection) {
        InetAddress address = addressOf(channel);
        ServerConnection evictForAddress = null;
        ServerConnection evictForTotal = null;
        synchronized (this) {
            int fromAddress = 0;
            for (Channel other : open.keySet()) {
                if (address != null && address.equals(addressOf(other))) {
                    fromAddress++;
                }
            }
            if (fromAddress >= maxPerAddress) {
                evictForAddress = oldestIdle(address);
                if (evictForAddress == null) {
                    LOG.info("Refused a connection from {}: it holds {} busy connections already", address,
                            fromAddress);
                    return false;
                }
                remove(evictForAddress);
            } else if (open.size() >= maxTotal) {
                evictForTotal = oldestIdle(null);
                if (evictForTotal == null) {
                    LOG.info("Refused a connection from {}: {} busy inbound connections are open", address,
                            open.size());
                    return false;
                }
                remove(evictForTotal);
            }
            open.put(channel, connection);
        }
        if (evictForAddress != null) {
            LOG.debug("Closing the oldest idle connection from {} to make room", address);
            evictForAddress.close("closed to make room: " + maxPerAddress + " connections from one address");
        }
        if (evictForTotal != null) {
            LOG.debug("Closing the oldest idle inbound connection ({}) to make room", evictForTotal);
            evictForTotal.close("closed to make room: " + maxTotal + " inbound connections");
        }
        return true;
    }

    /** Forgets a closed connection. */
    synchronized void closed(Channel channel) {
        open.remove(channel);
    }

    /** Open inbound connections. */
    synchronized int size() {
        return open.size();
    }

    private void remove(ServerConnection connection) {
        open.values().remove(connection);
    }

    /** The idle connection longest without a frame, from {@code address} (or any when null); null when none. */
    private ServerConnection oldestIdle(InetAddress address) {
        ServerConnection oldest = null;
        for (Map.Entry<Channel, ServerConnection> entry : open.entrySet()) {
            ServerConnection candidate = entry.getValue();
            if (address != null && !address.equals(addressOf(entry.getKey()))) {
                continue;
            }
            if (candidate.hasWorkUnderWay()) {
                continue;
            }
            if (oldest == null || candidate.lastFrameNanos() - oldest.lastFrameNanos() < 0) {
                oldest = candidate;
            }
        }
        return oldest;
    }

    private static InetAddress addressOf(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }
}
