package org.tesseras.dht.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.tesseras.api.model.Contact;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.crypto.internal.TestVerifiers;
import org.tesseras.transport.memory.MemoryIdentity;
import org.tesseras.transport.memory.MemoryNetwork;
import org.tesseras.transport.memory.MemoryTransport;

/** DHT nodes on one in-memory network, sharing a hand-moved clock; closing it stops them all. */
final class DhtCluster implements AutoCloseable {
    static final int POW_DIFFICULTY = 8;
    static final IdentityVerifier VERIFIER = TestVerifiers.pow(POW_DIFFICULTY);

    final MemoryNetwork network;
    final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final List<Node> nodes = new ArrayList<>();
    private final long seed;
    private int identities;

    DhtCluster(long seed) {
        this(seed, MemoryNetwork.DEFAULT_REQUEST_TIMEOUT);
    }

    DhtCluster(long seed, Duration requestTimeout) {
        this.seed = seed;
        this.network = new MemoryNetwork(requestTimeout);
    }

    /** One DHT node: its identity, its end of the network, its state, answering side and asking side. */
    record Node(MemoryIdentity identity, MemoryTransport transport, KademliaNode state, DhtResponder responder,
            KademliaDht dht) {
        NodeId id() {
            return identity.nodeId();
        }

        Contact contact() {
            return Contact.of(transport.localNode());
        }
    }

    /** {@code address} as a {@code host:port} seed string. */
    static String seedText(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** The next identity of this cluster's seeded sequence: the same on every run. */
    MemoryIdentity newIdentity() {
        return MemoryIdentity.generate(VERIFIER, seed * 1_000_003 + identities++);
    }

    Node add() {
        return add(config -> { });
    }

    Node add(Consumer<TestConfig> configure) {
        return add(configure, identity -> true);
    }

    /** A started node whose generated identity satisfies {@code wanted}. */
    Node add(Consumer<TestConfig> configure, Predicate<MemoryIdentity> wanted) {
        MemoryIdentity identity = newIdentity();
        while (!wanted.test(identity)) {
            identity = newIdentity();
        }
        return add(identity, network.nextAddress(), configure);
    }

    /** A started node with {@code identity} (valid or not) at {@code address}. */
    Node add(MemoryIdentity identity, InetSocketAddress address, Consumer<TestConfig> configure) {
        MemoryTransport transport = network.join(identity, address);
        TestConfig config = new TestConfig();
        configure.accept(config);
        KademliaNode state = new KademliaNode(identity.nodeId(), VERIFIER, config.settings(), clock,
                new Random(seed * 1_000_003 + nodes.size()));
        DhtResponder responder = new DhtResponder(state);
        transport.handle(responder, DhtResponder.KINDS);
        transport.addPeerListener(responder);
        KademliaDht dht = new KademliaDht(transport, state);
        Node node = new Node(identity, transport, state, responder, dht);
        nodes.add(node);
        return node;
    }

    /** {@code count} nodes, each joined through the one before it or through the first. */
    List<Node> addJoined(int count, Consumer<TestConfig> configure) {
        List<Node> joined = new ArrayList<>();
        Random pick = new Random(seed);
        for (int i = 0; i < count; i++) {
            Node node = add(configure);
            if (!joined.isEmpty()) {
                Node through = joined.get(pick.nextInt(joined.size()));
                await(node.dht().bootstrap(through.transport().localNode().address()));
            }
            joined.add(node);
        }
        return joined;
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future failed or hung: " + e, e);
        }
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            try {
                node.dht().deactivate();
            } catch (RuntimeException e) {
                // already stopped by the test
            }
        }
        network.close();
    }
}
