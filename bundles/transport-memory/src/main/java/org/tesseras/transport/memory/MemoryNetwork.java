package org.tesseras.transport.memory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.NodeIdentity;

/**
 * A simulated network of {@link MemoryTransport}s, addressed by {@link InetSocketAddress}. It delivers
 * each request on its own executor, never on the caller's thread, and fails a request that gets no
 * answer within {@link #requestTimeout()}. It trusts announced NodeInfos as they are (there is no TLS
 * handshake), so a test can put a node whose NodeInfo fails proof-of-work on it; checking is the job
 * of the layer above. Close it to stop its threads.
 */
public final class MemoryNetwork implements AutoCloseable {
    /** Request timeout of {@link #MemoryNetwork()}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Port of every address {@link #nextAddress()} hands out. */
    public static final int PORT = 7000;

    private final long requestTimeoutMillis;
    private final Map<InetSocketAddress, MemoryTransport> transports = new ConcurrentHashMap<>();
    private final AtomicInteger addressCounter = new AtomicInteger();
    private final ExecutorService deliveries;
    private final ScheduledThreadPoolExecutor timeouts;
    private volatile boolean closed;

    /** A network whose requests time out after {@link #DEFAULT_REQUEST_TIMEOUT}. */
    public MemoryNetwork() {
        this(DEFAULT_REQUEST_TIMEOUT);
    }

    /** A network whose requests time out after {@code requestTimeout}. */
    public MemoryNetwork(Duration requestTimeout) {
        Objects.requireNonNull(requestTimeout, "request timeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
        this.requestTimeoutMillis = requestTimeout.toMillis();
        this.deliveries = Executors.newCachedThreadPool(threads("memory-transport-delivery-"));
        this.timeouts = new ScheduledThreadPoolExecutor(1, threads("memory-transport-timeout-"));
        this.timeouts.setRemoveOnCancelPolicy(true);
    }

    /** How long a request may wait for its answer. */
    public Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMillis);
    }

    /** A fresh address, each in its own IPv4 /24 ({@code 10.x.y.1:7000}). */
    public InetSocketAddress nextAddress() {
        int n = addressCounter.incrementAndGet();
        if (n > 0xffff) {
            throw new IllegalStateException("the memory network hands out at most 65535 addresses");
        }
        try {
            byte[] ip = {10, (byte) (n >>> 8), (byte) n, 1};
            return new InetSocketAddress(InetAddress.getByAddress(ip), PORT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }

    /** Puts {@code identity} on the network at a fresh address. */
    public MemoryTransport join(NodeIdentity identity) {
        return join(identity, nextAddress());
    }

    /** Puts {@code identity} on the network at {@code address}. */
    public MemoryTransport join(NodeIdentity identity, InetSocketAddress address) {
        return join(new NodeInfo(identity.nodeId(), identity.publicKey(), identity.nonce(), address, Set.of()));
    }

    /** Puts a node announcing exactly {@code announced} (valid or not) on the network at its address. */
    public MemoryTransport join(NodeInfo announced) {
        checkOpen();
        MemoryTransport transport = new MemoryTransport(this, announced);
        MemoryTransport previous = transports.putIfAbsent(announced.address(), transport);
        if (previous != null) {
            throw new IllegalArgumentException("address " + announced.address() + " is already taken by "
                    + previous.localNode().id());
        }
        return transport;
    }

    /** Removes {@code transport} from the network: its address refuses connections from now on. */
    public void leave(MemoryTransport transport) {
        transports.remove(transport.localNode().address(), transport);
    }

    /** The transport listening at {@code address}, if any. */
    public Optional<MemoryTransport> at(InetSocketAddress address) {
        return Optional.ofNullable(transports.get(address));
    }

    /** Every transport on the network. */
    public List<MemoryTransport> transports() {
        return List.copyOf(transports.values());
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Stops delivering: pending requests fail, the network's threads end. */
    @Override
    public void close() {
        closed = true;
        deliveries.shutdownNow();
        timeouts.shutdownNow();
        try {
            deliveries.awaitTermination(5, TimeUnit.SECONDS);
            timeouts.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether both of the network's executors have terminated. */
    public boolean isTerminated() {
        return deliveries.isTerminated() && timeouts.isTerminated();
    }

    long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    ExecutorService deliveries() {
        return deliveries;
    }

    ScheduledThreadPoolExecutor timeouts() {
        return timeouts;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the memory network is closed");
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
