package org.tesseras.transport.netty.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;

/**
 * The connections peers opened to this node, at most {@code maxInboundConnections} in all and
 * {@code maxInboundConnectionsPerAddress} from one IPv4 address or one IPv6 /64 (a host is given a /64, so
 * counting its addresses one by one would not limit it). A connection past a cap makes room by closing an idle
 * one (of that address, or of all): idle means no request being answered and no stream open; one that has not
 * completed the Hello goes before a proven peer, then the one longest without a frame. When none is idle the
 * newcomer is refused (closed at once), so connections held open by one host cannot lock peers out, and
 * connections doing work are never cut for a newcomer. Refusals are logged as one summary line every 10 s.
 */
final class InboundConnections {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConnections.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What the caps need to know of a connection. */
    interface Occupant {
        /** Whether a request is being answered or a stream is open. */
        boolean hasWorkUnderWay();

        /** When the peer last sent a frame (or the connection opened), as {@link System#nanoTime}. */
        long lastFrameNanos();

        /** Whether the peer has proven its NodeId in the Hello exchange. */
        boolean helloDone();

        /** Remembers why the connection is about to be closed. */
        void noteCloseReason(String reason);
    }

    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<Channel, Occupant> open = new LinkedHashMap<>();
    private long refusedSinceLog;
    private long lastRefusalLogNanos = System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS;

    InboundConnections(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes {@code channel} in, closing an idle one to make room where needed; false when it must be refused. */
    boolean admit(Channel channel, Occupant connection) {
        String address = addressKey(channel);
        Channel evicted;
        String reason;
        synchronized (this) {
            int fromAddress = 0;
            for (Channel other : open.keySet()) {
                if (address != null && address.equals(addressKey(other))) {
                    fromAddress++;
                }
            }
            if (fromAddress >= maxPerAddress) {
                evicted = bestToEvict(address);
                reason = "closed to make room: " + maxPerAddress + " connections from one address";
                if (evicted == null) {
                    refused(address, "it holds " + fromAddress + " busy connections already");
                    return false;
                }
            } else if (open.size() >= maxTotal) {
                evicted = bestToEvict(null);
                reason = "closed to make room: " + maxTotal + " inbound connections";
                if (evicted == null) {
                    refused(address, open.size() + " busy inbound connections are open");
                    return false;
                }
            } else {
                evicted = null;
                reason = null;
            }
            if (evicted != null) {
                open.remove(evicted).noteCloseReason(reason);
            }
            open.put(channel, connection);
        }
        if (evicted != null) {
            LOG.debug("Closing the inbound connection from {} to make room for {}", evicted.remoteAddress(), address);
            evicted.close();
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

    /**
     * The idle connection to close first, from {@code address} (or any when null): one that has not completed the
     * Hello before a proven peer, then the one longest without a frame; null when none is idle.
     */
    private Channel bestToEvict(String address) {
        Channel best = null;
        Occupant bestOccupant = null;
        for (Map.Entry<Channel, Occupant> entry : open.entrySet()) {
            Occupant candidate = entry.getValue();
            if (address != null && !address.equals(addressKey(entry.getKey()))) {
                continue;
            }
            if (candidate.hasWorkUnderWay()) {
                continue;
            }
            if (bestOccupant == null || evictsBefore(candidate, bestOccupant)) {
                best = entry.getKey();
                bestOccupant = candidate;
            }
        }
        return best;
    }

    private static boolean evictsBefore(Occupant candidate, Occupant other) {
        if (candidate.helloDone() != other.helloDone()) {
            return !candidate.helloDone();
        }
        return candidate.lastFrameNanos() - other.lastFrameNanos() < 0;
    }

    private void refused(String address, String why) {
        refusedSinceLog++;
        long now = System.nanoTime();
        if (now - lastRefusalLogNanos >= REFUSAL_LOG_INTERVAL_NANOS) {
            LOG.info("Refused {} inbound connection(s) in the last {} s; the latest from {}: {}", refusedSinceLog,
                    TimeUnit.NANOSECONDS.toSeconds(now - lastRefusalLogNanos), address, why);
            refusedSinceLog = 0;
            lastRefusalLogNanos = now;
        }
    }

    private static String addressKey(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress socket && socket.getAddress() != null
                ? addressKey(socket.getAddress())
                : null;
    }

    /**
     * What the per-address cap counts by: an IPv4 address (also when written as an IPv4-mapped IPv6 address) as
     * itself, an IPv6 address by its /64.
     */
    static String addressKey(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        try {
            if (bytes.length == 4) {
                return Inet4Address.getByAddress(bytes).getHostAddress();
            }
            byte[] prefix = Arrays.copyOf(bytes, 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            return Inet6Address.getByAddress(null, prefix, -1).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        if (bytes.length != 16 || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
