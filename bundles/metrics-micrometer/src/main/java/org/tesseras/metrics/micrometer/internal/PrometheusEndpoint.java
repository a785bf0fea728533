package org.tesseras.metrics.micrometer.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Prometheus text over HTTP ({@code /metrics}) on a loopback address, served by the Prometheus client's own HTTP
 * server on two threads of its own; {@link #close()} stops the server and its threads.
 */
final class PrometheusEndpoint implements AutoCloseable {
    static final String THREAD_NAME_PREFIX = "tesseras-metrics-http-";
    private static final int THREADS = 2;

    private final ExecutorService threads;
    /** The threads the executor made, so that closing can wait until they have ended, not only their tasks. */
    private final List<Thread> made;
    private final HTTPServer server;
    private final InetAddress address;

    private PrometheusEndpoint(InetAddress address, ExecutorService threads, List<Thread> made, HTTPServer server) {
        this.address = address;
        this.threads = threads;
        this.made = made;
        this.server = server;
    }

    /** Starts serving {@code registry} at {@code host:port}; refuses a host that is not a loopback address. */
    static PrometheusEndpoint start(PrometheusRegistry registry, String host, int port) throws IOException {
        InetAddress address = loopback(host);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(MetricsConfiguration.PID + " prometheusPort must be 0-65535, got " + port);
        }
        AtomicInteger count = new AtomicInteger();
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, THREAD_NAME_PREFIX + count.incrementAndGet());
                    thread.setDaemon(true);
                    made.add(thread);
                    return thread;
                });
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                    .executorService(threads).buildAndStart();
            return new PrometheusEndpoint(address, threads, made, server);
        } catch (IOException | RuntimeException e) {
            threads.shutdownNow();
            throw new IOException("cannot serve metrics on " + address.getHostAddress() + ":" + port + " ("
                    + MetricsConfiguration.PID + " prometheusHost/prometheusPort): " + e.getMessage(), e);
        }
    }

    /** {@code host} as a loopback address; anything else is refused with a message naming the property. */
    static InetAddress loopback(String host) {
        String name = host == null ? "" : host.strip();
        try {
            InetAddress address = InetAddress.getByName(name.isEmpty() ? "127.0.0.1" : name);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException(MetricsConfiguration.PID + " prometheusHost must be a loopback"
                        + " address (127.0.0.1 or ::1), got '" + host + "'");
            }
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(MetricsConfiguration.PID + " prometheusHost '" + host
                    + "' is not an address", e);
        }
    }

    int port() {
        return server.getPort();
    }

    InetAddress address() {
        return address;
    }

    /**
     * Stops the server and returns once its threads have ended (an executor reports itself terminated when its
     * last worker begins to exit, a moment before that thread is gone); throws if they are not gone within 5 s.
     */
    @Override
    public void close() {
        server.close();
        threads.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            for (Thread thread : made) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (thread.isAlive()) {
                    throw new IllegalStateException("the metrics endpoint's thread " + thread.getName()
                            + " did not stop within 5 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
