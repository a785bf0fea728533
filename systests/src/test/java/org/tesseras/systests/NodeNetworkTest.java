package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The ports the harness gives its nodes. */
class NodeNetworkTest {

    @Test
    void freePortsAreDistinctBindableAndOutsideTheEphemeralRange() throws IOException {
        int[] ports = NodeNetwork.freePorts(16);
        assertEquals(16, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.exists(range)) {
            int ephemeralStart;
            try (InputStream in = Files.newInputStream(range)) {
                ephemeralStart = Integer.parseInt(
                        new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip().split("\\s+")[0]);
            }
            for (int port : ports) {
                assertTrue(port < ephemeralStart, port + " lies in the ephemeral range, from " + ephemeralStart);
            }
        }
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }
}
