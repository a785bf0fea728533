package org.tesseras.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.model.TestManifests;
import org.tesseras.transport.memory.MemoryIdentity;
import org.tesseras.transport.netty.internal.NettyTransport;
import org.tesseras.transport.netty.internal.TransportConfiguration;

/** Twenty DHT nodes over the real TLS transport on 127.0.0.1: they converge and find each other's pointers. */
class NettyDhtTest {
    static final int NODES = 20;

    final List<NettyTransport> transports = new ArrayList<>();
    final List<KademliaDht> dhts = new ArrayList<>();
    final List<MemoryIdentity> identities = new ArrayList<>();

    @AfterEach
    void stop() {
        dhts.forEach(KademliaDht::deactivate);
        transports.forEach(NettyTransport::deactivate);
    }

    @Test
    void twentyNodesOnRealSocketsConvergeAndFindPointers() throws Exception {
        InetSocketAddress seed = null;
        for (int i = 0; i < NODES; i++) {
            MemoryIdentity identity = MemoryIdentity.generate(DhtCluster.VERIFIER, 7_000 + i);
            identities.add(identity);
            NettyTransport transport = new NettyTransport(identity, DhtCluster.VERIFIER, annotation(
                    TransportConfiguration.class, Map.of("listenHost", "127.0.0.1", "advertisedHost", "127.0.0.1",
                            "listenPort", 0, "rpcTimeoutMillis", 15_000L,
                            // all twenty nodes connect from 127.0.0.1
                            "maxInboundConnectionsPerAddress", 4 * NODES)));
            TestConfig config = new TestConfig();
            config.rpcTimeoutMillis = 15_000;
            config.maxNodesPerSubnetPerBucket = config.k;
            config.maxNodesPerSubnet = NODES;
            if (seed != null) {
                config.seeds = new String[] {DhtCluster.seedText(seed)};
            }
            KademliaNode node = new KademliaNode(identity, DhtCluster.VERIFIER, config);
            DhtResponder responder = new DhtResponder(node);
            transport.addRequestHandler(responder, DhtResponder.KINDS);
            transport.addPeerListener(responder);
            KademliaDht dht = new KademliaDht(transport, node);
            transports.add(transport);
            dhts.add(dht);
            if (seed == null) {
                seed = transport.localNode().address();
            }
        }

        // every node ends up knowing every other (20 < k, so nobody is evicted)
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!dhts.stream().allMatch(d -> d.routingTable().size() == NODES - 1)) {
            assertTrue(Instant.now().isBefore(deadline), "routing tables did not converge: "
                    + dhts.stream().map(d -> d.routingTable().size()).toList());
            dhts.get((int) (System.nanoTime() % NODES)).findClosest(randomKey()).get(30, TimeUnit.SECONDS);
            Thread.sleep(200);
        }

        // lookups from every node return the true closest nodes, in order
        NodeId key = randomKey();
        List<NodeId> expected = dhts.stream().map(d -> d.localNode().id())
                .sorted(Comparator.comparing(id -> id.xor(key))).toList();
        for (KademliaDht dht : dhts) {
            List<NodeId> found = dht.findClosest(key).get(30, TimeUnit.SECONDS).stream().map(NodeInfo::id).toList();
            List<NodeId> others = expected.stream().filter(id -> !id.equals(dht.localNode().id())).toList();
            assertEquals(others, found);
        }

        // a pointer published by one node is found by all the others
        ContentHash tessera = ContentHash.of("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f");
        FragmentPlan plan = FragmentPlan.of(tessera, 10L << 20, FragmentationTier.MEDIUM, 16, 8, 7);
        NodeInfo holder = dhts.get(3).localNode();
        MemoryIdentity owner = identities.get(0);
        TesseraManifest manifest = owner.signManifest(plan, TestManifests.CODEC,
                TestManifests.unsigned(plan).fragmentChecksums(), System.currentTimeMillis());
        TesseraPointer pointer = owner.signPointer(manifest, List.of(new Holder(holder.id(), holder.address(),
                List.of(0, 1, 2))), System.currentTimeMillis());
        assertTrue(dhts.get(0).publish(pointer).get(30, TimeUnit.SECONDS) > 0);
        for (KademliaDht dht : dhts.subList(1, NODES)) {
            Optional<PointerRecords> found = dht.findPointers(tessera).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(pointer), found.orElseThrow().records());
        }
    }

    private static NodeId randomKey() {
        byte[] key = new byte[NodeId.LENGTH];
        new java.util.Random(System.nanoTime()).nextBytes(key);
        return new NodeId(key);
    }

    @SuppressWarnings("unchecked")
    static <A extends Annotation> A annotation(Class<A> type, Map<String, ?> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            Object value = values.get(method.getName());
            return value != null ? value : method.getDefaultValue();
        });
    }
}
