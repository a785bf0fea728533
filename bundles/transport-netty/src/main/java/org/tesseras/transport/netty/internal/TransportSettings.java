package org.tesseras.transport.netty.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Optional;

/**
 * The transport's configuration, checked: every value in range, host names resolved. A bad value is
 * refused with a message naming the property.
 */
record TransportSettings(InetAddress listenAddress, int listenPort, Optional<InetAddress> advertisedAddress,
        int maxFrameBytes, int chunkBytes, int maxConcurrentStreamsPerPeer, int connectionsPerPeer,
        int idleTimeoutSeconds, long rpcTimeoutMillis, int maxInboundConnections, int maxInboundConnectionsPerAddress,
        int maxServedStreams, int minStreamBytesPerSecond) {

    /** Largest chunk any node may send; a receiver accepts chunk frames up to this whatever its own chunk size. */
    static final int MAX_CHUNK_BYTES = 1024 * 1024;
    /** Smallest control limit: enough for a Hello, a header and a few node descriptions. */
    static final int MIN_FRAME_BYTES = 4096;
    /** The protocol's control message cap. */
    static final int MAX_FRAME_BYTES = 64 * 1024;

    /** Checks and resolves {@code config}. */
    static TransportSettings from(TransportConfiguration config) {
        InetAddress listen = resolve("listenHost", config.listenHost());
        int port = inRange("listenPort", config.listenPort(), 0, 65535);
        Optional<InetAddress> advertised = config.advertisedHost() == null || config.advertisedHost().isBlank()
                ? Optional.empty()
                : Optional.of(resolve("advertisedHost", config.advertisedHost()));
        advertised.ifPresent(address -> {
            if (address.isAnyLocalAddress()) {
                throw invalid("advertisedHost", config.advertisedHost(), "must be an address peers can connect to");
            }
        });
        return new TransportSettings(listen, port, advertised,
                inRange("maxFrameBytes", config.maxFrameBytes(), MIN_FRAME_BYTES, MAX_FRAME_BYTES),
                inRange("chunkBytes", config.chunkBytes(), 4096, MAX_CHUNK_BYTES),
                inRange("maxConcurrentStreamsPerPeer", config.maxConcurrentStreamsPerPeer(), 1, 64),
                inRange("connectionsPerPeer", config.connectionsPerPeer(), 1, 16),
                inRange("idleTimeoutSeconds", config.idleTimeoutSeconds(), 1, 86_400),
                inRange("rpcTimeoutMillis", config.rpcTimeoutMillis(), 100, 600_000),
                inRange("maxInboundConnections", config.maxInboundConnections(), 16, 65_536),
                inRange("maxInboundConnectionsPerAddress", config.maxInboundConnectionsPerAddress(), 2, 65_536),
                inRange("maxServedStreams", config.maxServedStreams(), 1, 1024),
                inRange("minStreamBytesPerSecond", config.minStreamBytesPerSecond(), 1, 1 << 30));
    }

    /** Shortest time allowed for connecting, the TLS handshake and the Hello exchange. */
    static final long MIN_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    /** How long connecting, TLS and Hello may take: the RPC timeout, but never less than 10 s. */
    long handshakeTimeoutMillis() {
        return Math.max(rpcTimeoutMillis, MIN_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** Largest frame accepted while a fragment stream is open on a connection. */
    int maxChunkFrameBytes() {
        return MAX_CHUNK_BYTES + 1024;
    }

    /** Receiver queue size per stream above which reading from the connection pauses. */
    long streamHighWaterBytes() {
        return 4L * chunkBytes;
    }

    /**
     * The address to announce: the advertised host, else the listen address, else (listening on every
     * interface) the first up, non-loopback IPv4 interface address, else loopback.
     */
    InetAddress announcedAddress() {
        if (advertisedAddress.isPresent()) {
            return advertisedAddress.get();
        }
        if (!listenAddress.isAnyLocalAddress()) {
            return listenAddress;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return address;
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: fall back to loopback
        }
        return InetAddress.getLoopbackAddress();
    }

    private static InetAddress resolve(String property, String host) {
        if (host == null || host.isBlank()) {
            throw invalid(property, host, "must be an IP address or host name");
        }
        try {
            return InetAddress.getByName(host.trim());
        } catch (UnknownHostException e) {
            throw invalid(property, host, "cannot be resolved");
        }
    }

    private static int inRange(String property, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(property, value, "must be " + min + ".." + max);
        }
        return value;
    }

    private static long inRange(String property, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(property, value, "must be " + min + ".." + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String property, Object value, String rule) {
        return new IllegalArgumentException(
                TransportConfiguration.PID + " " + property + " " + rule + ", got '" + value + "'");
    }
}
