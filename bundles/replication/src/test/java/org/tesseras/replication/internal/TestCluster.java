package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.tesseras.api.port.Transport;
import org.tesseras.crypto.internal.FileNodeIdentity;
import org.tesseras.crypto.internal.PowIdentityVerifier;
import org.tesseras.dht.internal.DhtResponder;
import org.tesseras.transport.memory.MemoryNetwork;
import org.tesseras.transport.memory.MemoryTransport;
import org.tesseras.transport.netty.internal.NettyTransport;
import org.tesseras.transport.netty.internal.TransportConfiguration;

/** Several {@link TestNode}s that found each other through the first one. */
final class TestCluster implements AutoCloseable {
    final List<TestNode> nodes = new ArrayList<>();
    final Path dir;
    final TestNode.Transports transports;
    final TestNode.Tiers tiers;
    final ReplicationSettings settings;
    private final AutoCloseable network;
    /** Whether nodes keep their database on disk, to survive a restart (slower to create). */
    boolean persistent;
    /** DHT configuration every node started from now on gets on top of the test defaults. */
    Map<String, Object> dhtOverrides = Map.of();

    private TestCluster(Path dir, TestNode.Transports transports, AutoCloseable network, TestNode.Tiers tiers,
            ReplicationSettings settings) {
        this.dir = dir;
        this.transports = transports;
        this.network = network;
        this.tiers = tiers;
        this.settings = settings;
    }

    /** {@code size} nodes on an in-memory network. */
    static TestCluster inMemory(Path dir, int size, TestNode.Tiers tiers, ReplicationSettings settings)
            throws Exception {
        return inMemory(dir, size, tiers, settings, false);
    }

    /** {@code size} nodes on an in-memory network, their databases on disk when {@code persistent}. */
    static TestCluster inMemory(Path dir, int size, TestNode.Tiers tiers, ReplicationSettings settings,
            boolean persistent) throws Exception {
        return inMemory(dir, size, tiers, settings, persistent, false);
    }

    /**
     * {@code size} nodes on an in-memory network; when {@code countTransfers} each node's transport is an
     * {@link InFlightCountingTransport}.
     */
    static TestCluster inMemory(Path dir, int size, TestNode.Tiers tiers, ReplicationSettings settings,
            boolean persistent, boolean countTransfers) throws Exception {
        MemoryNetwork network = new MemoryNetwork(Duration.ofSeconds(3));
        TestNode.Transports transports = new TestNode.Transports() {
            @Override
            public Transport open(FileNodeIdentity identity, PowIdentityVerifier verifier,
                    TestNode.Handlers handlers, int port) {
                MemoryTransport transport = network.join(identity);
                transport.handle(handlers.dht(), DhtResponder.KINDS);
                transport.addPeerListener(handlers.dht());
                transport.handle(handlers.holder(), HolderService.KINDS);
                transport.setPushHandler(handlers.holder());
                transport.setFetchHandler(handlers.holder());
                return countTransfers ? new InFlightCountingTransport(transport) : transport;
            }

            @Override
            public void close(Transport transport) {
                network.leave((MemoryTransport) (transport instanceof InFlightCountingTransport counting
                        ? counting.delegate : transport));
            }
        };
        TestCluster cluster = new TestCluster(dir, transports, network, tiers, settings);
        cluster.persistent = persistent;
        cluster.grow(size);
        return cluster;
    }

    /** {@code size} nodes talking TLS over real sockets on 127.0.0.1, their databases on disk when {@code persistent}. */
    static TestCluster onSockets(Path dir, int size, TestNode.Tiers tiers, ReplicationSettings settings,
            boolean persistent) throws Exception {
        return onSockets(dir, size, tiers, settings, persistent, Map.of());
    }

    /** As above, every node's DHT configured with {@code dhtOverrides} on top of the test defaults. */
    static TestCluster onSockets(Path dir, int size, TestNode.Tiers tiers, ReplicationSettings settings,
            boolean persistent, Map<String, Object> dhtOverrides) throws Exception {
        TestNode.Transports transports = new TestNode.Transports() {
            @Override
            public Transport open(FileNodeIdentity identity, PowIdentityVerifier verifier,
                    TestNode.Handlers handlers, int port) {
                NettyTransport transport = new NettyTransport(identity, verifier, Configs.of(
                        TransportConfiguration.class, Map.of("listenHost", "127.0.0.1", "advertisedHost", "127.0.0.1",
                                "listenPort", port, "rpcTimeoutMillis", 15_000L,
                                // every node connects from 127.0.0.1
                                "maxInboundConnectionsPerAddress", 1024)));
                transport.addRequestHandler(handlers.dht(), DhtResponder.KINDS);
                transport.addPeerListener(handlers.dht());
                transport.addRequestHandler(handlers.holder(), HolderService.KINDS);
                transport.setPushHandler(handlers.holder());
                transport.setFetchHandler(handlers.holder());
                return transport;
            }

            @Override
            public void close(Transport transport) {
                ((NettyTransport) transport).deactivate();
            }
        };
        TestCluster cluster = new TestCluster(dir, transports, () -> {
        }, tiers, settings);
        cluster.persistent = persistent;
        cluster.dhtOverrides = dhtOverrides;
        cluster.grow(size);
        return cluster;
    }

    /** Starts nodes until there are {@code size}, each seeded with the first, and waits until all know each other. */
    void grow(int size) throws Exception {
        while (nodes.size() < size) {
            int n = nodes.size();
            List<InetSocketAddress> seeds = n == 0 ? List.of() : List.of(nodes.get(0).address());
            nodes.add(new TestNode("n" + n, dir.resolve("n" + n), transports, tiers, settings, seeds, persistent, 0,
                    dhtOverrides));
        }
        awaitConverged();
    }

    /**
     * Stops node {@code i} (if it runs) and starts it again on the same directory, database and address, as a
     * node restarted by its operator; the cluster must keep its databases on disk.
     */
    TestNode restart(int i) throws Exception {
        TestNode old = nodes.get(i);
        int port = old.address().getPort();
        old.close();
        List<InetSocketAddress> seeds = i == 0 ? List.of(nodes.get(1).address()) : List.of(nodes.get(0).address());
        TestNode restarted = new TestNode(old.name, old.dir, transports, tiers, settings, seeds, persistent, port,
                dhtOverrides);
        nodes.set(i, restarted);
        return restarted;
    }

    /** Waits until every running node has every other running node in its routing table. */
    void awaitConverged() {
        await(Duration.ofSeconds(60), () -> nodes.stream().allMatch(
                node -> node.dht.routingTable().size() >= nodes.size() - 1), "routing tables to converge");
    }

    /** Of the running nodes other than the owner, the one closest (XOR) to where the file's tessera will live. */
    TestNode closestPeerTo(Path file) {
        try {
            org.tesseras.api.model.NodeId key = owner().hasher.hash(Files.readAllBytes(file)).dhtKey();
            return nodes.stream().filter(n -> n != owner())
                    .min(java.util.Comparator.comparing(n -> n.identity.nodeId().xor(key))).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestNode owner() {
        return nodes.get(0);
    }

    TestNode byId(org.tesseras.api.model.NodeId id) {
        return nodes.stream().filter(n -> n.identity.nodeId().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }

    /** Files and directories directly in {@code directory}, other than the nodes' own and letters.bin. */
    static List<Path> leftIn(Path directory) throws IOException {
        try (var entries = Files.list(directory)) {
            return entries.filter(p -> !p.getFileName().toString().matches("n\\d+|letters\\.bin")).sorted().toList();
        }
    }

    /** A file of {@code size} seeded random bytes. */
    Path randomFile(String name, long size, long seed) {
        Path file = dir.resolve(name);
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (TestNode node : nodes) {
            node.close();
        }
        network.close();
    }
}
