package org.tesseras.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports on 127.0.0.1 for the nodes a test starts. A port the kernel hands out for port 0 lies in its ephemeral
 * range, where any outgoing connection or RMI export may take it in the seconds before the node binds it (a peer
 * once found its transport port taken and never came up), so ports are taken below that range, each handed out
 * once per JVM, from a random point so that the test JVM and the node JVM rarely meet.
 */
final class LoopbackPorts {
    private static final int LOW = 20_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /** A port no other caller in this JVM got and that 127.0.0.1 can bind now. */
    static int next() {
        int high = ephemeralRangeStart();
        if (high - LOW < 1_000) {
            return ephemeral();
        }
        int start = ThreadLocalRandom.current().nextInt(high - LOW);
        for (int tried = 0; tried < high - LOW; tried++) {
            int port = LOW + (start + tried) % (high - LOW);
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        return ephemeral();
    }

    private static int ephemeralRangeStart() {
        // one read of the whole file: procfs answers a second read (as Files.readString makes) with end of file
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeral() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
