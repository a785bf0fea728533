package org.tesseras.dht.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.Message;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;

/**
 * The Kademlia overlay as the node uses it: lookups of the nodes closest to a key, pointers published and
 * found, pings and joins, with the routing table kept fresh in the background. It asks through the transport;
 * answering peers is the {@link DhtResponder}'s job, and both share the {@link KademliaNode}. Nodes whose
 * NodeInfo fails proof-of-work are never admitted nor contacted.
 */
@Component(service = DhtPort.class, immediate = true)
public final class KademliaDht implements DhtPort {
    private static final Logger LOG = LoggerFactory.getLogger(KademliaDht.class);

    /** Longest wait between two maintenance rounds (expiry sweep, bucket refresh, seed retry check). */
    static final long MAINTENANCE_PERIOD_SECONDS = 60;
    private static final int LOOKUP_THREADS = 2;

    private final KademliaNode node;
    private final Transport transport;
    /** Where lookups are timed; none while no metrics service runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile NodeMetrics metrics;
    private final DhtThreads threads;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final OutboundLookups lookups;
    private final ValueLookups values;
    private final RoutingMaintenance maintenance;
    private volatile boolean active;

    /** Continuations run on the DHT's executor, or inline once it has stopped, so no future is left hanging. */
    private final Executor continuations = task -> {
        try {
            executor().execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    };

    /** Starts asking through {@code transport} for the node {@code node} describes. */
    @Activate
    public KademliaDht(@Reference Transport transport, @Reference KademliaNode node) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.node = Objects.requireNonNull(node, "node");
        if (!transport.localNode().id().equals(node.self())) {
            throw new IllegalStateException("the transport speaks for node " + transport.localNode().id()
                    + ", the DHT for " + node.self());
        }
        this.threads = new DhtThreads("tesseras-dht-" + node.self().shortHex() + "-");
        ThreadPoolExecutor lookupExecutor = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        lookupExecutor.allowCoreThreadTimeOut(true);
        this.executor = lookupExecutor;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, threads);
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.lookups = new OutboundLookups(node, transport, timers, continuations, () -> active);
        this.values = new ValueLookups(node, lookups);
        this.maintenance = new RoutingMaintenance(node, transport, lookups, values, timers, continuations,
                () -> active);
        this.active = true;
        maintenance.start();
        DhtSettings settings = node.settings();
        LOG.info("DHT node {} started (k={}, alpha={}, seeds {})", node.self(), settings.k(), settings.alpha(),
                settings.seeds());
    }

    private ThreadPoolExecutor executor() {
        return executor;
    }

    @Deactivate
    public void deactivate() {
        active = false;
        TransportException stopped = new TransportException("the DHT of node " + node.self() + " stopped");
        lookups.cancelAll(stopped);
        maintenance.stop(stopped);
        scheduler.shutdownNow();
        executor.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS) || !executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("DHT threads of node {} did not stop within 5 s", node.self());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("DHT node {} stopped", node.self());
    }

    @Override
    public NodeInfo localNode() {
        return transport.localNode();
    }

    @Override
    public CompletableFuture<List<NodeInfo>> findClosest(NodeId key) {
        Objects.requireNonNull(key, "key");
        return timed(lookups.lookupNodes(key).thenApply(NodeLookup.Result::closest));
    }

    /** Records a lookup's time and outcome once it completes. */
    private <T> CompletableFuture<T> timed(CompletableFuture<T> lookup) {
        NodeMetrics current = metrics;
        if (current == null) {
            return lookup;
        }
        NodeMetrics.Timing timing = current.start(NodeMetrics.Operation.DHT_LOOKUP);
        return lookup.whenComplete((result, error) -> timing.end(error == null ? NodeMetrics.Outcome.SUCCESS
                : NodeMetrics.Outcome.FAILURE));
    }

    @Override
    public CompletableFuture<Boolean> ping(Contact peer) {
        Objects.requireNonNull(peer, "peer");
        return lookups.rpc(peer, new Message.Ping())
                .handle((reply, error) -> error == null && reply.message() instanceof Message.Pong);
    }

    @Override
    public CompletableFuture<Integer> publish(TesseraPointer pointer) {
        Objects.requireNonNull(pointer, "pointer");
        if (!active) {
            return lookups.notActive("publish the pointer of " + pointer.tesseraHash());
        }
        return values.storePointerOnClosest(pointer);
    }

    @Override
    public CompletableFuture<Integer> publish(TesseraPointer pointer, List<NodeInfo> closest) {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(closest, "closest nodes");
        if (!active) {
            return lookups.notActive("publish the pointer of " + pointer.tesseraHash());
        }
        return values.storePointer(pointer, closest);
    }

    @Override
    public CompletableFuture<Optional<PointerRecords>> findPointers(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        if (!active) {
            return lookups.notActive("look up the pointers of " + tesseraHash);
        }
        return timed(values.findPointers(tesseraHash));
    }

    @Override
    public CompletableFuture<Integer> publishCatalogue(CataloguePage page) {
        Objects.requireNonNull(page, "page");
        if (!active) {
            return lookups.notActive("publish a catalogue page");
        }
        return values.storeCatalogue(page);
    }

    @Override
    public CompletableFuture<Optional<CataloguePage>> findCatalogue(NodeId owner, int page) {
        Objects.requireNonNull(owner, "owner");
        if (!active) {
            return lookups.notActive("look up the catalogue of " + owner);
        }
        return timed(values.findCatalogue(owner, page));
    }

    @Override
    public CompletableFuture<Integer> bootstrap(InetSocketAddress seed) {
        Objects.requireNonNull(seed, "seed");
        return maintenance.bootstrap(seed);
    }

    @Override
    public List<RoutingEntry> routingTable() {
        return node.table().snapshot();
    }

    // ---------------------------------------------------------------- for tests

    /** Looks up a random id in every stale bucket; completes with how many. */
    CompletableFuture<Integer> refreshStaleBuckets() {
        return maintenance.refreshStaleBuckets();
    }

    /** Stores every catalogue page this node keeps again; completes with the stores. */
    CompletableFuture<Integer> republishCatalogues() {
        return maintenance.republishCatalogues();
    }

    /** Completes once a configured seed let this node join. */
    CompletableFuture<Integer> seedJoin() {
        return maintenance.seedJoin();
    }

    KademliaNode node() {
        return node;
    }

    boolean routingTableContains(NodeId id) {
        return node.table().contains(id);
    }

    boolean replacementCacheContains(NodeId id) {
        return node.table().isCached(id);
    }

    /** Drops expired pointers now; returns how many. */
    int sweepExpiredPointers() {
        return node.pointers().sweep(node.now());
    }

    /** Completes once every eviction ping under way has its answer. */
    CompletableFuture<Void> evictionChecksSettled() {
        return maintenance.evictionChecksSettled();
    }

    /** Whether every thread of this DHT has stopped. */
    boolean isTerminated() {
        return scheduler.isTerminated() && executor.isTerminated();
    }

    /** The threads this DHT made that had not ended when the last was made. */
    List<Thread> threads() {
        return threads.made();
    }
}
