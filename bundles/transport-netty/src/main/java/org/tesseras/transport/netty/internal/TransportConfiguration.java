package org.tesseras.transport.netty.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Netty transport (PID {@code org.tesseras.transport}). */
@ObjectClassDefinition(name = "Tesseras transport",
        description = "TCP + TLS 1.3 transport between nodes: where it listens, frame and chunk sizes, limits, timeouts.")
public @interface TransportConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.transport";

    @AttributeDefinition(name = "Listen host",
            description = "Local address to listen on; 0.0.0.0 listens on every interface.")
    String listenHost() default "0.0.0.0";

    @AttributeDefinition(name = "Listen port",
            description = "TCP port to listen on (1-65535); 0 picks a free port.", min = "0", max = "65535")
    int listenPort() default 4433;

    @AttributeDefinition(name = "Advertised host",
            description = "Address peers should use to reach this node (IP or host name); empty means the listen "
                    + "host, or a local interface address when listening on every interface.")
    String advertisedHost() default "";

    @AttributeDefinition(name = "Control frame limit (bytes)",
            description = "Largest control message accepted or sent (4096-65536).", min = "4096", max = "65536")
    int maxFrameBytes() default 65536;

    @AttributeDefinition(name = "Chunk size (bytes)",
            description = "Size of the chunks fragments are streamed in (4096-1048576).", min = "4096", max = "1048576")
    int chunkBytes() default 262144;

    @AttributeDefinition(name = "Concurrent streams per peer",
            description = "Fragment streams at once with one peer, in each direction (1-64).", min = "1", max = "64")
    int maxConcurrentStreamsPerPeer() default 4;

    @AttributeDefinition(name = "Connections per peer",
            description = "Connections kept open to one peer for requests (1-16); streams get their own.",
            min = "1", max = "16")
    int connectionsPerPeer() default 2;

    @AttributeDefinition(name = "Idle timeout (seconds)",
            description = "An unused connection is closed after this long (1-86400).", min = "1", max = "86400")
    int idleTimeoutSeconds() default 60;

    @AttributeDefinition(name = "Inbound connections",
            description = "Connections peers may hold open to this node at once (16-65536); past it the oldest idle"
                    + " one is closed first, and a new one is refused when none is idle.", min = "16", max = "65536")
    int maxInboundConnections() default 256;

    @AttributeDefinition(name = "Inbound connections per address",
            description = "Connections one IPv4 address or IPv6 /64 may hold open to this node at once (2-65536);"
                    + " past it an idle one of that address is closed first (one that has not completed the Hello"
                    + " before a proven peer, then the oldest), and a new one is refused when none is idle.",
            min = "2", max = "65536")
    int maxInboundConnectionsPerAddress() default 16;

    @AttributeDefinition(name = "Served streams",
            description = "Fragment streams peers may push to or fetch from this node at once, all peers together"
                    + " (1-1024); more are answered BUSY at once, so their sender tries another node.",
            min = "1", max = "1024")
    int maxServedStreams() default 32;

    @AttributeDefinition(name = "Slowest stream (bytes per second)",
            description = "A fragment stream, in or out, that moves fewer bytes a second than this on average once"
                    + " it has run for the RPC timeout is cut, so a trickling peer cannot hold it (1-1073741824). A"
                    + " pushed stream is timed from this node's go, not from its header; a sender cut so loses its"
                    + " connection, while a fetch served to a receiver that reads too slowly is aborted alone.",
            min = "1")
    int minStreamBytesPerSecond() default 4096;

    @AttributeDefinition(name = "RPC timeout (milliseconds)",
            description = "How long a request waits for its reply and a fragment stream for progress (100-600000); "
                    + "connecting and the TLS and Hello handshake get this too, but at least 10 s.",
            min = "100", max = "600000")
    long rpcTimeoutMillis() default 5000;
}
