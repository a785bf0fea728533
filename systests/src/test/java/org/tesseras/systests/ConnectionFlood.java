package org.tesseras.systests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A host that holds {@code count} TCP connections open to the transports of some nodes (spread evenly, all on
 * 127.0.0.1) and never says anything on them, not even TLS; each one a node closes is opened again within half a
 * second. Stopped by {@link #close}, which closes every connection it holds.
 */
final class ConnectionFlood implements AutoCloseable {
    private final List<InetSocketAddress> targets;
    private final SocketChannel[] held;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closedByNodes = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private ConnectionFlood(List<InetSocketAddress> targets, int count) {
        this.targets = List.copyOf(targets);
        this.held = new SocketChannel[count];
        this.thread = new Thread(this::run, "connection-flood");
        thread.setDaemon(true);
    }

    /** Starts holding {@code count} connections to {@code transportAddresses} ("127.0.0.1:port" each). */
    static ConnectionFlood start(List<String> transportAddresses, int count) {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (String address : transportAddresses) {
            int colon = address.lastIndexOf(':');
            targets.add(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
        }
        ConnectionFlood flood = new ConnectionFlood(targets, count);
        flood.thread.start();
        return flood;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (running) {
            for (int i = 0; i < held.length && running; i++) {
                SocketChannel socket = held[i];
                if (socket != null) {
                    try {
                        buffer.clear();
                        if (socket.read(buffer) >= 0) {
                            continue;
                        }
                    } catch (IOException e) {
                        // reset by the node: counted as closed below
                    }
                    closedByNodes.incrementAndGet();
                    closeQuietly(socket);
                    held[i] = null;
                }
                try {
                    SocketChannel fresh = SocketChannel.open(targets.get(i % targets.size()));
                    fresh.configureBlocking(false);
                    held[i] = fresh;
                    opened.incrementAndGet();
                } catch (IOException e) {
                    // a node killed or not listening yet: try again next round
                }
            }
            NodeProcess.sleep(500);
        }
    }

    /** Connections open now. */
    int open() {
        int n = 0;
        for (SocketChannel socket : held) {
            n += socket != null && socket.isOpen() ? 1 : 0;
        }
        return n;
    }

    @Override
    public String toString() {
        return open() + " of " + held.length + " connections open to " + targets.size() + " nodes; " + opened.get()
                + " opened so far, " + closedByNodes.get() + " closed by the nodes";
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        for (SocketChannel socket : held) {
            if (socket != null) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
