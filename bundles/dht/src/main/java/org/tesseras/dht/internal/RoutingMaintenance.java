package org.tesseras.dht.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;

/**
 * Keeps the routing table and the published pointers alive: joins the network through the peers it knew before
 * its last stop and the configured seeds (retried with backoff until one answers), saves the table's addresses
 * for the next start, refreshes buckets no lookup touched, republishes the catalogue pages it keeps (pointers
 * are republished by their publishers), sweeps expired values, and pings a full bucket's oldest entry before
 * evicting it.
 */
final class RoutingMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingMaintenance.class);

    private final KademliaNode node;
    private final Transport transport;
    private final OutboundLookups lookups;
    private final ValueLookups values;
    private final ScheduledExecutorService timers;
    private final Executor continuations;
    private final BooleanSupplier active;
    private final AtomicBoolean seedRoundsRunning = new AtomicBoolean();
    private final Set<CompletableFuture<Void>> evictionChecks = ConcurrentHashMap.newKeySet();
    private volatile CompletableFuture<Integer> seedJoin = new CompletableFuture<>();

    RoutingMaintenance(KademliaNode node, Transport transport, OutboundLookups lookups, ValueLookups values,
            ScheduledExecutorService timers, Executor continuations, BooleanSupplier active) {
        this.node = node;
        this.transport = transport;
        this.lookups = lookups;
        this.values = values;
        this.timers = timers;
        this.continuations = continuations;
        this.active = active;
    }

    /** Completes with the table size once a seed let this node join; fails when the DHT stops first. */
    CompletableFuture<Integer> seedJoin() {
        return seedJoin;
    }

    /** Starts the periodic work and, if seeds are configured, the joining rounds. */
    void start() {
        DhtSettings settings = node.settings();
        long maintenanceSeconds = Math.min(KademliaDht.MAINTENANCE_PERIOD_SECONDS, settings.refreshIntervalSeconds());
        timers.scheduleWithFixedDelay(this::maintain, maintenanceSeconds, maintenanceSeconds, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::republishInBackground, settings.republishIntervalSeconds(),
                settings.republishIntervalSeconds(), TimeUnit.SECONDS);
        node.evictionPinger(this::checkOldest);
        if (!node.joinThrough().isEmpty()) {
            startSeedRounds();
        }
    }

    /** Saves the routing table's addresses, stops asking the node to ping, and fails whoever waits to join. */
    void stop(TransportException stopped) {
        node.saveContacts();
        node.evictionPinger(null);
        seedJoin.completeExceptionally(stopped);
    }

    /** Looks up a random id in every bucket no lookup touched for the refresh interval; completes with how many. */
    CompletableFuture<Integer> refreshStaleBuckets() {
        if (!active.getAsBoolean()) {
            return lookups.notActive("refresh buckets");
        }
        RoutingTable table = node.table();
        List<Integer> stale = table.staleBuckets(node.now(), node.settings().refreshIntervalMillis(), 0);
        List<CompletableFuture<NodeLookup.Result>> refreshes = new ArrayList<>();
        for (int bucket : stale) {
            refreshes.add(lookups.lookupNodes(XorMetric.randomIdWithSharedPrefix(table.self(), bucket, node.random())));
        }
        return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new)).thenApply(v -> refreshes.size());
    }

    /**
     * Stores every catalogue page this node keeps again on the k nodes nearest to its owner (this node among
     * them), so a catalogue outlives its owner and follows the nodes that come and go; completes with the stores.
     */
    CompletableFuture<Integer> republishCatalogues() {
        List<CompletableFuture<Integer>> stores = new ArrayList<>();
        for (CataloguePage page : node.catalogues().all(node.now())) {
            stores.add(values.storeCatalogue(page));
        }
        return CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new))
                .thenApply(v -> stores.stream().mapToInt(CompletableFuture::join).sum());
    }

    /** Joins the network through {@code seed}; completes with the routing table size afterwards. */
    CompletableFuture<Integer> bootstrap(InetSocketAddress seed) {
        if (!active.getAsBoolean()) {
            return lookups.notActive("bootstrap through " + seed);
        }
        if (seed.isUnresolved()) {
            return CompletableFuture.failedFuture(new TransportException("cannot resolve seed " + seed.getHostString()));
        }
        NodeId self = node.self();
        String where = hostPort(seed);
        CompletableFuture<Transport.Reply> sent;
        try {
            sent = transport.request(seed, new Message.FindNode(self));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return lookups.withTimeout(sent, "seed " + where).handleAsync((reply, error) -> {
            if (error != null) {
                Throwable cause = Failures.unwrap(error);
                throw new CompletionException(new TransportException("seed " + where + " did not answer: "
                        + cause.getMessage(), cause));
            }
            NodeInfo from = reply.from();
            if (from.id().equals(self)) {
                throw new CompletionException(new SelfSeedException(where, self));
            }
            if (!node.authentic(from)) {
                throw new CompletionException(new TransportException("seed " + where + " announces node " + from.id()
                        + ", which fails proof-of-work"));
            }
            node.observe(from);
            return reply.message() instanceof Message.FoundNodes found ? found.nodes() : List.<NodeInfo>of();
        }, continuations).thenCompose(this::join);
    }

    private void maintain() {
        try {
            node.pointers().sweep(node.now());
            node.catalogues().sweep(node.now());
            refreshStaleBuckets().whenComplete((count, error) -> {
                if (error != null) {
                    LOG.debug("Bucket refresh failed: {}", Failures.unwrap(error).toString());
                }
            });
            if (node.table().size() == 0 && !node.joinThrough().isEmpty()) {
                startSeedRounds();
            }
            node.saveContacts();
        } catch (RuntimeException e) {
            LOG.warn("DHT maintenance of node {} failed: {}", node.self(), e.toString());
        }
    }

    private void republishInBackground() {
        try {
            republishCatalogues().whenComplete((stores, error) -> {
                if (error != null) {
                    LOG.warn("Republishing catalogue pages failed: {}", Failures.unwrap(error).toString());
                } else if (stores > 0) {
                    LOG.debug("Republished catalogue pages ({} stores)", stores);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Republishing catalogue pages of node {} failed: {}", node.self(), e.toString());
        }
    }

    /** Pings a full bucket's oldest entry: it stays if it answers, else the newest cached node takes its slot. */
    private void checkOldest(NodeInfo oldest) {
        RoutingTable table = node.table();
        CompletableFuture<Void> check = lookups.rpc(Contact.of(oldest), new Message.Ping()).handle((reply, error) -> {
            if (error == null || Failures.unwrap(error) instanceof RemoteErrorException) {
                table.pingAnswered(oldest.id());
            } else {
                Optional<NodeInfo> promoted = table.pingFailed(oldest.id());
                LOG.debug("Evicted {} (no answer to a ping); {} takes its place", oldest.id(),
                        promoted.map(NodeInfo::toString).orElse("nobody"));
            }
            return null;
        });
        evictionChecks.add(check);
        check.whenComplete((v, e) -> evictionChecks.remove(check));
    }

    /** Completes once every eviction ping under way has its answer. */
    CompletableFuture<Void> evictionChecksSettled() {
        return CompletableFuture.allOf(evictionChecks.toArray(CompletableFuture[]::new));
    }

    /** After a seed answered: look ourselves up, then refresh every bucket farther than our nearest neighbour. */
    private CompletableFuture<Integer> join(List<NodeInfo> offered) {
        RoutingTable table = node.table();
        NodeId self = table.self();
        List<NodeInfo> initial = new ArrayList<>(table.closest(self, node.settings().k(), null));
        initial.addAll(offered);
        return lookups.lookupNodes(self, initial).thenCompose(result -> {
            List<CompletableFuture<NodeLookup.Result>> refreshes = new ArrayList<>();
            int nearest = table.nearestNonEmptyBucket();
            for (int bucket = 0; bucket < nearest; bucket++) {
                refreshes.add(lookups.lookupNodes(XorMetric.randomIdWithSharedPrefix(self, bucket, node.random())));
            }
            return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new));
        }).thenApply(v -> table.size());
    }

    private void startSeedRounds() {
        if (seedRoundsRunning.compareAndSet(false, true)) {
            seedRound(node.joinThrough(), node.settings().bootstrapRetryInitialMillis());
        }
    }

    private void seedRound(List<DhtSettings.Seed> seeds, long backoffMillis) {
        if (!active.getAsBoolean()) {
            seedRoundsRunning.set(false);
            return;
        }
        if (node.table().size() > 0) {
            // a peer found us while the seeds were silent: look ourselves up through it, or the table stays as
            // small as what happened to contact us
            join(List.of()).whenComplete((size, error) -> {
                LOG.info("Node {} joined the network through the peers that contacted it: {} peers in the routing"
                        + " table", node.self(), node.table().size());
                seedRoundsRunning.set(false);
                seedJoin.complete(node.table().size());
            });
            return;
        }
        Set<DhtSettings.Seed> selfSeeds = ConcurrentHashMap.newKeySet();
        trySeeds(seeds, 0, selfSeeds).whenComplete((size, error) -> {
            if (error == null && size > 0) {
                LOG.info("Node {} joined the network: {} peers in the routing table", node.self(), size);
                seedRoundsRunning.set(false);
                seedJoin.complete(size);
                return;
            }
            List<DhtSettings.Seed> remaining = new ArrayList<>(seeds);
            remaining.removeAll(selfSeeds);
            if (remaining.isEmpty()) {
                LOG.info("Node {} is its own only seed: waiting for peers to contact it", node.self());
                seedRoundsRunning.set(false);
                return;
            }
            long next = Math.min(backoffMillis * 2, node.settings().bootstrapRetryMaxSeconds() * 1000);
            LOG.info("No seed of {} answered; retrying in {} ms", remaining, backoffMillis);
            try {
                timers.schedule(() -> seedRound(remaining, next), backoffMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                seedRoundsRunning.set(false);
            }
        });
    }

    /** Tries the seeds in order until one fills the table; completes with the table size (0: none did). */
    private CompletableFuture<Integer> trySeeds(List<DhtSettings.Seed> seeds, int index, Set<DhtSettings.Seed> selfSeeds) {
        if (index >= seeds.size() || !active.getAsBoolean()) {
            return CompletableFuture.completedFuture(0);
        }
        DhtSettings.Seed seed = seeds.get(index);
        return bootstrap(seed.resolve()).handle((size, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(size);
            }
            Throwable cause = Failures.unwrap(error);
            if (cause instanceof SelfSeedException) {
                selfSeeds.add(seed);
            } else {
                LOG.debug("Seed {} failed: {}", seed, cause.getMessage());
            }
            return trySeeds(seeds, index + 1, selfSeeds);
        }).thenCompose(next -> next);
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The seed answered as this very node: it is skipped in later rounds. */
    private static final class SelfSeedException extends TransportException {
        private static final long serialVersionUID = 1L;

        SelfSeedException(String seed, NodeId self) {
            super("seed " + seed + " is this node (" + self + ")");
        }
    }
}
