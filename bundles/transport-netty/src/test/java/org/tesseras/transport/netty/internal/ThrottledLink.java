package org.tesseras.transport.netty.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of {@code target} that lets at most {@code bytesPerSecond} through in each
 * direction, all its connections together (a slow uplink shared by every stream of one peer). TLS passes through it
 * untouched, so the nodes on either side still authenticate each other.
 */
final class ThrottledLink implements Closeable {
    private static final int SLICE_BYTES = 16 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Bucket upstream;
    private final Bucket downstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ThrottledLink(InetSocketAddress target, long bytesPerSecond) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstream = new Bucket(bytesPerSecond);
        this.downstream = new Bucket(bytesPerSecond);
        this.acceptor = new Thread(this::accept, "throttled-link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where to connect to reach {@code target} through the link. */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(target.getAddress(), target.getPort());
                sockets.add(in);
                sockets.add(out);
                pump(in, out, upstream);
                pump(out, in, downstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, Bucket bucket) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[SLICE_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    bucket.take(n);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "throttled-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(ThrottledLink::closeQuietly);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** A token bucket refilled at {@code bytesPerSecond}, holding at most a tenth of a second's worth. */
    private static final class Bucket {
        private final long bytesPerSecond;
        private long available;
        private long updatedNanos = System.nanoTime();

        Bucket(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        synchronized void take(long bytes) throws InterruptedIOException {
            while (true) {
                long now = System.nanoTime();
                available = Math.min(bytesPerSecond / 10 + bytes,
                        available + (now - updatedNanos) * bytesPerSecond / 1_000_000_000L);
                updatedNanos = now;
                if (available >= bytes) {
                    available -= bytes;
                    return;
                }
                long waitMillis = Math.max(1, (bytes - available) * 1000 / bytesPerSecond);
                try {
                    wait(waitMillis);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
            }
        }
    }
}
