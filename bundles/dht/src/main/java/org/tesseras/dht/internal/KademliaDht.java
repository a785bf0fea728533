package org.tesseras.dht.internal;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.FragmentExchange;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.InboundHandler;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;

/**
 * The Kademlia node: routing table, iterative lookups, the pointer store, and the inbound side of the
 * transport. Every authenticated message or reply refreshes its sender in the routing table; nodes
 * whose NodeInfo fails proof-of-work are never added nor contacted. Fragment traffic is handed to the
 * {@link FragmentExchange} when one is registered and refused with {@code NO_HANDLER} otherwise.
 *
 * <p>Attestations: this layer checks that an attestation answers our challenge (tessera hash and
 * nonce), names the peer we asked as holder, and is signed by that peer's authenticated key. Checking
 * the proofs against fragment bytes or checksums is the replication layer's job.
 */
@Component(service = {DhtPort.class, InboundHandler.class}, configurationPid = DhtConfiguration.PID,
        immediate = true)
@Designate(ocd = DhtConfiguration.class)
public final class KademliaDht implements DhtPort, InboundHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KademliaDht.class);

    /** How far in the future a pointer's publication time may lie before a Store is refused. */
    static final long MAX_CLOCK_SKEW_MILLIS = 10 * 60 * 1000L;
    /** Longest wait between two maintenance rounds (expiry sweep, bucket refresh, seed retry check). */
    static final long MAINTENANCE_PERIOD_SECONDS = 60;
    private static final int LOOKUP_THREADS = 2;

    private final Clock clock;
    private final Random random;
    private final AtomicReference<Transport> transport = new AtomicReference<>();
    private final AtomicReference<FragmentExchange> exchange = new AtomicReference<>();
    private final AtomicReference<LazyService<FragmentExchange>> exchangeService = new AtomicReference<>();
    private volatile IdentityVerifier verifier;

    private volatile boolean active;
    private volatile DhtSettings settings;
    private volatile RoutingTable table;
    private volatile PointerStore pointers;
    private volatile DhtThreads threads;
    private volatile ThreadPoolExecutor executor;
    private volatile ScheduledThreadPoolExecutor scheduler;
    private volatile CompletableFuture<Integer> seedJoin = new CompletableFuture<>();
    private final AtomicBoolean seedRoundsRunning = new AtomicBoolean();
    private final Map<ContentHash, TesseraPointer> published = new ConcurrentHashMap<>();
    private final Set<NodeLookup> lookups = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<Void>> evictionChecks = ConcurrentHashMap.newKeySet();

    /** Continuations run on the DHT's executor, or inline once it has stopped, so no future is left hanging. */
    private final Executor continuations = task -> {
        ThreadPoolExecutor current = executor;
        if (current != null) {
            try {
                current.execute(task);
                return;
            } catch (RejectedExecutionException e) {
                // stopping: run it here so that the future completes
            }
        }
        task.run();
    };

    /** For Declarative Services: the system clock and a secure random source. */
    public KademliaDht() {
        this(Clock.systemUTC(), new SecureRandom());
    }

    KademliaDht(Clock clock, Random random) {
        this.clock = clock;
        this.random = random;
    }

    @Reference(cardinality = ReferenceCardinality.MANDATORY, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindTransport(Transport newTransport) {
        transport.set(newTransport);
        RoutingTable current = table;
        if (current != null && !newTransport.localNode().id().equals(current.self())) {
            LOG.warn("The new transport speaks for node {}, not {}: starting with an empty routing table",
                    newTransport.localNode().id(), current.self());
            table = new RoutingTable(newTransport.localNode().id(), settings.k(), now());
        }
    }

    public void unbindTransport(Transport oldTransport) {
        transport.compareAndSet(oldTransport, null);
    }

    @Reference
    public void setIdentityVerifier(IdentityVerifier identityVerifier) {
        this.verifier = identityVerifier;
    }

    /**
     * Binds the fragment exchange service without getting it yet: replication, which provides it, references
     * this DHT, so getting it while either is being created (a refresh restarting both) is a cycle that
     * leaves replication without its DHT. It is got on first use. A newer one replaces the old (greedy).
     */
    @Reference(name = "fragmentExchange", service = FragmentExchange.class,
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindFragmentExchangeService")
    void bindFragmentExchangeService(ComponentServiceObjects<FragmentExchange> service) {
        LazyService<FragmentExchange> previous = exchangeService.getAndSet(new LazyService<>(service));
        if (previous != null) {
            previous.release();
        }
    }

    void unbindFragmentExchangeService(ComponentServiceObjects<FragmentExchange> service) {
        LazyService<FragmentExchange> current = exchangeService.get();
        if (current != null && current.service() == service && exchangeService.compareAndSet(current, null)) {
            current.release();
        }
    }

    /** Sets the fragment exchange directly (outside OSGi); it takes precedence over a bound service. */
    public void bindFragmentExchange(FragmentExchange fragmentExchange) {
        exchange.set(fragmentExchange);
    }

    public void unbindFragmentExchange(FragmentExchange fragmentExchange) {
        exchange.compareAndSet(fragmentExchange, null);
    }

    private FragmentExchange currentExchange() {
        FragmentExchange direct = exchange.get();
        if (direct != null) {
            return direct;
        }
        LazyService<FragmentExchange> lazy = exchangeService.get();
        return lazy == null ? null : lazy.get();
    }

    @Activate
    public void activate(DhtConfiguration config) {
        DhtSettings checked;
        try {
            checked = DhtSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("DHT not started: {}", e.getMessage());
            throw e;
        }
        start(checked);
    }

    /** Starts with checked settings (what {@link #activate} does after checking the configuration). */
    void start(DhtSettings newSettings) {
        NodeInfo local = requireTransport().localNode();
        Objects.requireNonNull(verifier, "identity verifier");
        settings = newSettings;
        table = new RoutingTable(local.id(), newSettings.k(), now());
        pointers = new PointerStore(local.id(), newSettings.maxStoredPointers());
        threads = new DhtThreads("tesseras-dht-" + local.id().shortHex() + "-");
        ThreadPoolExecutor lookupExecutor = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        lookupExecutor.allowCoreThreadTimeOut(true);
        executor = lookupExecutor;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, threads);
        timers.setRemoveOnCancelPolicy(true);
        scheduler = timers;
        seedJoin = new CompletableFuture<>();
        active = true;

        long maintenanceSeconds = Math.min(MAINTENANCE_PERIOD_SECONDS, newSettings.refreshIntervalSeconds());
        timers.scheduleWithFixedDelay(this::maintain, maintenanceSeconds, maintenanceSeconds, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::republishInBackground, newSettings.republishIntervalSeconds(),
                newSettings.republishIntervalSeconds(), TimeUnit.SECONDS);
        LOG.info("DHT node {} started (k={}, alpha={}, seeds {})", local.id(), newSettings.k(), newSettings.alpha(),
                newSettings.seeds());
        if (!newSettings.seeds().isEmpty()) {
            startSeedRounds();
        }
    }

    @Deactivate
    public void deactivate() {
        active = false;
        TransportException stopped = new TransportException("the DHT of node " + selfId() + " stopped");
        for (NodeLookup lookup : lookups) {
            lookup.cancel(stopped);
        }
        lookups.clear();
        seedJoin.completeExceptionally(stopped);
        ScheduledThreadPoolExecutor timers = scheduler;
        ThreadPoolExecutor lookupExecutor = executor;
        timers.shutdownNow();
        lookupExecutor.shutdownNow();
        try {
            if (!timers.awaitTermination(5, TimeUnit.SECONDS) || !lookupExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("DHT threads of node {} did not stop within 5 s", selfId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("DHT node {} stopped", selfId());
    }

    // ---------------------------------------------------------------- DhtPort

    @Override
    public NodeInfo localNode() {
        return requireTransport().localNode();
    }

    @Override
    public CompletableFuture<List<NodeInfo>> findClosest(NodeId key) {
        Objects.requireNonNull(key, "key");
        return lookupNodes(key).thenApply(NodeLookup.Result::closest);
    }

    @Override
    public CompletableFuture<ReplicateAck> replicate(Contact peer, FragmentEnvelope envelope) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(envelope, "envelope");
        return withPeer(peer, t -> t.sendFragment(peer, envelope));
    }

    @Override
    public CompletableFuture<Attestation> attest(Contact peer, ContentHash tesseraHash, byte[] nonce) {
        Objects.requireNonNull(peer, "peer");
        Message.AttestRequest request;
        try {
            request = new Message.AttestRequest(tesseraHash, nonce);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return rpc(peer, request).thenApply(reply -> {
            if (!(reply.message() instanceof Message.AttestResponse response)) {
                throw new CompletionException(new TransportException("peer " + peer.id()
                        + " answered an attestation request for " + tesseraHash + " with "
                        + reply.message().getClass().getSimpleName()));
            }
            String fault = attestationFault(response.attestation(), reply.from(), tesseraHash, nonce);
            if (fault != null) {
                throw new CompletionException(new TransportException("attestation of " + tesseraHash + " from peer "
                        + peer.id() + " rejected: " + fault));
            }
            return response.attestation();
        });
    }

    @Override
    public <T> CompletableFuture<T> fetch(Contact peer, ContentHash tesseraHash, int index, FragmentReader<T> reader) {
        Objects.requireNonNull(peer, "peer");
        return withPeer(peer, t -> t.fetchFragment(peer, tesseraHash, index, reader));
    }

    @Override
    public CompletableFuture<Boolean> ping(Contact peer) {
        Objects.requireNonNull(peer, "peer");
        return rpc(peer, new Message.Ping())
                .handle((reply, error) -> error == null && reply.message() instanceof Message.Pong);
    }

    @Override
    public CompletableFuture<Integer> publish(TesseraPointer pointer) {
        Objects.requireNonNull(pointer, "pointer");
        published.merge(pointer.tesseraHash(), pointer,
                (old, offered) -> offered.publishedAtMillis() >= old.publishedAtMillis() ? offered : old);
        return storeOnClosest(pointer);
    }

    @Override
    public CompletableFuture<Optional<TesseraPointer>> findPointer(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        if (!active) {
            return notActive("look up the pointer of " + tesseraHash);
        }
        DhtSettings s = settings;
        RoutingTable t = table;
        NodeId key = tesseraHash.dhtKey();
        t.markLookup(key, now());
        NodeLookup lookup = NodeLookup.forPointer(tesseraHash, s.k(), s.alpha(), this::query, this::admissible);
        return run(lookup, t.closest(key, s.k(), null)).thenApply(result -> {
            Optional<TesseraPointer> local = pointers.get(tesseraHash, now());
            Optional<TesseraPointer> best = result.pointer();
            if (local.isPresent() && (best.isEmpty() || local.get().publishedAtMillis() > best.get().publishedAtMillis())) {
                best = local;
            }
            best.ifPresent(pointer -> result.lackingPointer().forEach(node -> store(node, pointer)));
            return best;
        });
    }

    @Override
    public CompletableFuture<Integer> bootstrap(InetSocketAddress seed) {
        Objects.requireNonNull(seed, "seed");
        if (!active) {
            return notActive("bootstrap through " + seed);
        }
        if (seed.isUnresolved()) {
            return CompletableFuture.failedFuture(new TransportException("cannot resolve seed " + seed.getHostString()));
        }
        NodeId self = selfId();
        String where = hostPort(seed);
        CompletableFuture<Transport.Reply> sent;
        try {
            sent = requireTransport().request(seed, new Message.FindNode(self));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return withTimeout(sent, "seed " + where).handleAsync((reply, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                throw new CompletionException(new TransportException("seed " + where + " did not answer: "
                        + cause.getMessage(), cause));
            }
            NodeInfo from = reply.from();
            if (from.id().equals(self)) {
                throw new CompletionException(new SelfSeedException(where, self));
            }
            if (!authentic(from)) {
                throw new CompletionException(new TransportException("seed " + where + " announces node " + from.id()
                        + ", which fails proof-of-work"));
            }
            observe(from);
            return reply.message() instanceof Message.FoundNodes found ? found.nodes() : List.<NodeInfo>of();
        }, continuations).thenCompose(this::join);
    }

    @Override
    public List<RoutingEntry> routingTable() {
        RoutingTable t = table;
        return t == null ? List.of() : t.snapshot();
    }

    // ---------------------------------------------------------------- InboundHandler

    @Override
    public Message onRequest(NodeInfo sender, Message request) {
        try {
            if (sender == null || request == null) {
                return error(ErrorCode.BAD_FRAME, "a request needs a sender and a message");
            }
            if (!active) {
                return error(ErrorCode.NO_HANDLER, "the DHT of node " + selfId() + " is not running");
            }
            if (!authentic(sender)) {
                LOG.debug("Refused {} from {}: its NodeInfo fails proof-of-work", request.getClass().getSimpleName(),
                        sender);
                return error(ErrorCode.REFUSED, "node id " + sender.id()
                        + " does not derive from its key and nonce with the required proof-of-work");
            }
            observe(sender);
            return answer(sender, request);
        } catch (RuntimeException e) {
            LOG.warn("Failed to answer {} from {}: {}", request == null ? "?" : request.getClass().getSimpleName(),
                    sender == null ? "?" : sender.id(), e.toString());
            return error(ErrorCode.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public ReplicateAck onFragment(NodeInfo sender, FragmentEnvelope envelope) {
        try {
            if (!active) {
                return ReplicateAck.refused(RefusalReason.INVALID,
                        ErrorCode.NO_HANDLER + ": the DHT of node " + selfId() + " is not running", List.of());
            }
            if (!authentic(sender)) {
                return ReplicateAck.refused(RefusalReason.INVALID, "node id " + sender.id()
                        + " does not derive from its key and nonce with the required proof-of-work", List.of());
            }
            observe(sender);
            FragmentExchange fragments = currentExchange();
            if (fragments == null) {
                return ReplicateAck.refused(RefusalReason.INVALID, ErrorCode.NO_HANDLER + ": node " + selfId()
                        + " has no fragment exchange and keeps no fragments", List.of());
            }
            ReplicateAck ack = fragments.receive(sender, envelope);
            return ack != null ? ack
                    : ReplicateAck.refused(RefusalReason.INVALID, "node " + selfId() + " gave no verdict", List.of());
        } catch (RuntimeException e) {
            LOG.warn("Failed to take fragment {} from {}: {}", envelope == null ? "?" : envelope.id(),
                    sender == null ? "?" : sender.id(), e.toString());
            return ReplicateAck.refused(RefusalReason.INVALID, "node " + selfId() + " failed on the fragment: " + e,
                    List.of());
        }
    }

    /** Without a fragment exchange this answers empty (the peer sees {@code NOT_FOUND}); see the API proposal. */
    @Override
    public Optional<FragmentEnvelope> onFetch(NodeInfo sender, ContentHash tesseraHash, int index) {
        try {
            if (!active || !authentic(sender)) {
                return Optional.empty();
            }
            observe(sender);
            FragmentExchange fragments = currentExchange();
            if (fragments == null) {
                LOG.debug("No fragment exchange: cannot serve {}/{} to {}", tesseraHash, index, sender.id());
                return Optional.empty();
            }
            Optional<FragmentEnvelope> found = fragments.fetch(sender, tesseraHash, index);
            return found == null ? Optional.empty() : found;
        } catch (RuntimeException e) {
            LOG.warn("Failed to serve fragment {}/{} to {}: {}", tesseraHash, index,
                    sender == null ? "?" : sender.id(), e.toString());
            return Optional.empty();
        }
    }

    private Message answer(NodeInfo sender, Message request) {
        int k = settings.k();
        if (request instanceof Message.Ping) {
            return new Message.Pong();
        }
        if (request instanceof Message.FindNode find) {
            return new Message.FoundNodes(table.closest(find.target(), k, sender.id()));
        }
        if (request instanceof Message.FindValue find) {
            Optional<TesseraPointer> pointer = pointers.get(find.tesseraHash(), now());
            if (pointer.isPresent()) {
                return new Message.FoundValue(pointer.get());
            }
            return new Message.FoundNodes(table.closest(find.tesseraHash().dhtKey(), k, sender.id()));
        }
        if (request instanceof Message.Store store) {
            return keep(store.pointer());
        }
        if (request instanceof Message.AttestRequest attest) {
            FragmentExchange fragments = currentExchange();
            if (fragments == null) {
                return error(ErrorCode.NO_HANDLER, "node " + selfId() + " has no fragment exchange and keeps no fragments");
            }
            Optional<Attestation> attestation = fragments.attest(sender, attest.tesseraHash(), attest.nonce());
            if (attestation == null || attestation.isEmpty()) {
                return error(ErrorCode.NOT_FOUND, "node " + selfId() + " holds no fragments of " + attest.tesseraHash());
            }
            return new Message.AttestResponse(attestation.get());
        }
        return error(ErrorCode.UNKNOWN_TYPE, request.getClass().getSimpleName() + " is not a request");
    }

    private Message keep(TesseraPointer pointer) {
        long now = now();
        if (pointer.publishedAtMillis() > now + MAX_CLOCK_SKEW_MILLIS) {
            return error(ErrorCode.REFUSED, "the pointer of " + pointer.tesseraHash() + " claims publication at "
                    + pointer.publishedAtMillis() + ", in the future");
        }
        switch (pointers.put(pointer, now, now + settings.pointerTtlMillis())) {
            case STORED:
                return new Message.Stored();
            case NEWER_KEPT:
                return error(ErrorCode.REFUSED, "node " + selfId() + " keeps a newer pointer of " + pointer.tesseraHash());
            case FULL:
            default:
                return error(ErrorCode.REFUSED, "the pointer store of node " + selfId() + " is full of nearer keys");
        }
    }

    // ---------------------------------------------------------------- maintenance (package-private for tests)

    /** Looks up a random id in every bucket no lookup touched for the refresh interval; completes with how many. */
    CompletableFuture<Integer> refreshStaleBuckets() {
        if (!active) {
            return notActive("refresh buckets");
        }
        RoutingTable t = table;
        List<Integer> stale = t.staleBuckets(now(), settings.refreshIntervalMillis(), verifier.powDifficulty());
        List<CompletableFuture<List<NodeInfo>>> refreshes = new ArrayList<>();
        for (int bucket : stale) {
            refreshes.add(findClosest(XorMetric.randomIdWithSharedPrefix(t.self(), bucket, random)));
        }
        return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new)).thenApply(v -> refreshes.size());
    }

    /** Stores every pointer this node published again on the k nodes nearest to it; completes with the stores. */
    CompletableFuture<Integer> republish() {
        List<CompletableFuture<Integer>> stores = new ArrayList<>();
        for (TesseraPointer pointer : published.values()) {
            stores.add(storeOnClosest(pointer));
        }
        return CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new))
                .thenApply(v -> stores.stream().mapToInt(CompletableFuture::join).sum());
    }

    /** Drops expired pointers; returns how many. */
    int sweepExpiredPointers() {
        return pointers.sweep(now());
    }

    /** Completes when the eviction pings running now have settled. */
    CompletableFuture<Void> evictionChecksSettled() {
        return CompletableFuture.allOf(evictionChecks.toArray(CompletableFuture[]::new));
    }

    /** Completes with the routing table size once a seed round has filled the table. */
    CompletableFuture<Integer> seedJoin() {
        return seedJoin;
    }

    /** Whether both of the DHT's executors have terminated. */
    boolean isTerminated() {
        return executor.isTerminated() && scheduler.isTerminated();
    }

    /** The threads this DHT made that had not ended when its last thread was made. */
    List<Thread> threads() {
        return threads.made();
    }

    /** Pointers kept for the network, expired ones not yet swept included. */
    int storedPointerCount() {
        return pointers.size();
    }

    boolean routingTableContains(NodeId id) {
        return table.contains(id);
    }

    boolean replacementCacheContains(NodeId id) {
        return table.isCached(id);
    }

    private void maintain() {
        try {
            int swept = sweepExpiredPointers();
            if (swept > 0) {
                LOG.debug("Dropped {} expired pointers", swept);
            }
            if (table.size() == 0 && !settings.seeds().isEmpty()) {
                startSeedRounds();
            }
            refreshStaleBuckets();
        } catch (RuntimeException e) {
            LOG.warn("DHT maintenance of node {} failed: {}", selfId(), e.toString());
        }
    }

    private void republishInBackground() {
        try {
            republish().whenComplete((stores, error) -> {
                if (error != null) {
                    LOG.warn("Republishing pointers failed: {}", unwrap(error).toString());
                } else if (stores > 0) {
                    LOG.debug("Republished {} pointers ({} stores)", published.size(), stores);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Republishing pointers of node {} failed: {}", selfId(), e.toString());
        }
    }

    // ---------------------------------------------------------------- joining

    /** After a seed answered: look ourselves up, then refresh every bucket farther than our nearest neighbour. */
    private CompletableFuture<Integer> join(List<NodeInfo> offered) {
        DhtSettings s = settings;
        RoutingTable t = table;
        NodeId self = t.self();
        t.markLookup(self, now());
        List<NodeInfo> initial = new ArrayList<>(t.closest(self, s.k(), null));
        initial.addAll(offered);
        NodeLookup selfLookup = NodeLookup.forNodes(self, s.k(), s.alpha(), this::query, this::admissible);
        return run(selfLookup, initial).thenCompose(result -> {
            List<CompletableFuture<List<NodeInfo>>> refreshes = new ArrayList<>();
            int nearest = t.nearestNonEmptyBucket();
            for (int bucket = verifier.powDifficulty(); bucket < nearest; bucket++) {
                refreshes.add(findClosest(XorMetric.randomIdWithSharedPrefix(self, bucket, random)));
            }
            return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new));
        }).thenApply(v -> t.size());
    }

    private void startSeedRounds() {
        if (seedRoundsRunning.compareAndSet(false, true)) {
            seedRound(settings.seeds(), settings.bootstrapRetryInitialMillis());
        }
    }

    private void seedRound(List<DhtSettings.Seed> seeds, long backoffMillis) {
        if (!active) {
            seedRoundsRunning.set(false);
            return;
        }
        if (table.size() > 0) {
            seedRoundsRunning.set(false);
            seedJoin.complete(table.size());
            return;
        }
        Set<DhtSettings.Seed> selfSeeds = ConcurrentHashMap.newKeySet();
        trySeeds(seeds, 0, selfSeeds).whenComplete((size, error) -> {
            if (error == null && size > 0) {
                LOG.info("Node {} joined the network: {} peers in the routing table", selfId(), size);
                seedRoundsRunning.set(false);
                seedJoin.complete(size);
                return;
            }
            List<DhtSettings.Seed> remaining = new ArrayList<>(seeds);
            remaining.removeAll(selfSeeds);
            if (remaining.isEmpty()) {
                LOG.info("Node {} is its own only seed: waiting for peers to contact it", selfId());
                seedRoundsRunning.set(false);
                return;
            }
            long next = Math.min(backoffMillis * 2, settings.bootstrapRetryMaxSeconds() * 1000);
            LOG.info("No seed of {} answered; retrying in {} ms", remaining, backoffMillis);
            try {
                scheduler.schedule(() -> seedRound(remaining, next), backoffMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                seedRoundsRunning.set(false);
            }
        });
    }

    /** Tries the seeds in order until one fills the table; completes with the table size (0: none did). */
    private CompletableFuture<Integer> trySeeds(List<DhtSettings.Seed> seeds, int index, Set<DhtSettings.Seed> selfSeeds) {
        if (index >= seeds.size() || !active) {
            return CompletableFuture.completedFuture(0);
        }
        DhtSettings.Seed seed = seeds.get(index);
        return bootstrap(seed.resolve()).handle((size, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(size);
            }
            Throwable cause = unwrap(error);
            if (cause instanceof SelfSeedException) {
                selfSeeds.add(seed);
            } else {
                LOG.debug("Seed {} failed: {}", seed, cause.getMessage());
            }
            return trySeeds(seeds, index + 1, selfSeeds);
        }).thenCompose(next -> next);
    }

    // ---------------------------------------------------------------- lookups and RPCs

    private CompletableFuture<NodeLookup.Result> lookupNodes(NodeId target) {
        if (!active) {
            return notActive("look up " + target);
        }
        DhtSettings s = settings;
        RoutingTable t = table;
        t.markLookup(target, now());
        NodeLookup lookup = NodeLookup.forNodes(target, s.k(), s.alpha(), this::query, this::admissible);
        return run(lookup, t.closest(target, s.k(), null));
    }

    private CompletableFuture<NodeLookup.Result> run(NodeLookup lookup, List<NodeInfo> initial) {
        lookups.add(lookup);
        lookup.result().whenComplete((result, error) -> lookups.remove(lookup));
        if (!active) {
            lookup.cancel(new TransportException("the DHT of node " + selfId() + " stopped"));
        }
        return lookup.start(initial);
    }

    private CompletableFuture<Integer> storeOnClosest(TesseraPointer pointer) {
        NodeId key = pointer.tesseraHash().dhtKey();
        return lookupNodes(key).thenCompose(result -> {
            List<CompletableFuture<Boolean>> stores = new ArrayList<>();
            for (NodeInfo node : result.closest()) {
                stores.add(store(node, pointer));
            }
            boolean keptHere = isAmongClosest(key, result.closest())
                    && pointers.put(pointer, now(), now() + settings.pointerTtlMillis()) == PointerStore.Outcome.STORED;
            return CompletableFuture.allOf(stores.toArray(CompletableFuture[]::new)).thenApply(v -> {
                int taken = keptHere ? 1 : 0;
                for (CompletableFuture<Boolean> store : stores) {
                    taken += store.join() ? 1 : 0;
                }
                return taken;
            });
        });
    }

    private CompletableFuture<Boolean> store(NodeInfo node, TesseraPointer pointer) {
        return rpc(Contact.of(node), new Message.Store(pointer)).handle((reply, error) -> {
            if (error != null) {
                LOG.debug("Store of the pointer of {} on {} failed: {}", pointer.tesseraHash(), node.id(),
                        unwrap(error).getMessage());
                return false;
            }
            return reply.message() instanceof Message.Stored;
        });
    }

    private boolean isAmongClosest(NodeId key, List<NodeInfo> closest) {
        return closest.size() < settings.k()
                || XorMetric.compareDistances(selfId(), closest.get(closest.size() - 1).id(), key) < 0;
    }

    private CompletableFuture<Message> query(NodeInfo node, Message request) {
        return rpc(Contact.of(node), request).thenApply(Transport.Reply::message);
    }

    /** A request to a known node under the DHT's own timeout; the reply's sender is checked and refreshed. */
    private CompletableFuture<Transport.Reply> rpc(Contact peer, Message request) {
        Transport current = transport.get();
        if (!active || current == null) {
            return CompletableFuture.failedFuture(new TransportException("the DHT is not running; cannot send "
                    + request.getClass().getSimpleName() + " to " + peer.id()));
        }
        CompletableFuture<Transport.Reply> sent;
        try {
            sent = current.request(peer, request);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(new TransportException("sending to " + peer.id() + " failed: " + e, e));
        }
        return withTimeout(sent, "peer " + peer.id()).handleAsync((reply, error) -> {
            if (error != null) {
                throw new CompletionException(afterFailure(peer, error));
            }
            NodeInfo from = reply.from();
            if (!from.id().equals(peer.id()) || !authentic(from)) {
                table.recordFailure(peer, settings.maxFailedRpcs());
                throw new CompletionException(new TransportException("the reply expected from " + peer.id()
                        + " came from " + from.id() + (authentic(from) ? "" : ", which fails proof-of-work")));
            }
            observe(from);
            return reply;
        }, continuations);
    }

    /** Traffic that goes through the transport directly (fragments): success refreshes the peer, failure counts. */
    private <T> CompletableFuture<T> withPeer(Contact peer, Function<Transport, CompletableFuture<T>> call) {
        Transport current = transport.get();
        if (!active || current == null) {
            return CompletableFuture.failedFuture(new TransportException("the DHT is not running; cannot reach "
                    + peer.id()));
        }
        CompletableFuture<T> sent;
        try {
            sent = call.apply(current);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handleAsync((value, error) -> {
            if (error != null) {
                throw new CompletionException(afterFailure(peer, error));
            }
            table.touch(peer.id(), now());
            return value;
        }, continuations);
    }

    /** Counts a failed exchange against {@code peer} unless the peer did answer (with an error). */
    private Throwable afterFailure(Contact peer, Throwable error) {
        Throwable cause = unwrap(error);
        RoutingTable t = table;
        if (cause instanceof RemoteErrorException) {
            t.touch(peer.id(), now());
        } else if (cause instanceof TransportException && active) {
            if (t.recordFailure(peer, settings.maxFailedRpcs())) {
                LOG.debug("Dropped {} from the routing table after {} failed requests: {}", peer.id(),
                        settings.maxFailedRpcs(), cause.getMessage());
            }
        }
        return cause;
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> sent, String peer) {
        long timeoutMillis = settings.rpcTimeoutMillis();
        CompletableFuture<T> timed = new CompletableFuture<>();
        try {
            ScheduledFuture<?> timer = scheduler.schedule(() -> timed.completeExceptionally(
                    new RequestTimeoutException("no reply from " + peer + " within " + timeoutMillis + " ms")),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            timed.whenComplete((value, error) -> timer.cancel(false));
        } catch (RejectedExecutionException e) {
            // stopping: the transport's own timeout still applies
        }
        sent.whenComplete((value, error) -> {
            if (error != null) {
                timed.completeExceptionally(unwrap(error));
            } else {
                timed.complete(value);
            }
        });
        return timed;
    }

    /** Records {@code node} as just heard from, pinging a full bucket's oldest entry before evicting it. */
    private void observe(NodeInfo node) {
        RoutingTable t = table;
        RoutingTable.Observation observation = t.observe(node, now());
        if (observation.oldestToPing() != null) {
            checkOldest(t, observation.oldestToPing());
        }
    }

    private void checkOldest(RoutingTable t, NodeInfo oldest) {
        CompletableFuture<Void> check = rpc(Contact.of(oldest), new Message.Ping()).handle((reply, error) -> {
            if (error == null || unwrap(error) instanceof RemoteErrorException) {
                t.pingAnswered(oldest.id());
            } else {
                Optional<NodeInfo> promoted = t.pingFailed(oldest.id());
                LOG.debug("Evicted {} (no answer to a ping); {} takes its place", oldest.id(),
                        promoted.map(NodeInfo::toString).orElse("nobody"));
            }
            return null;
        });
        evictionChecks.add(check);
        check.whenComplete((v, e) -> evictionChecks.remove(check));
    }

    private String attestationFault(Attestation attestation, NodeInfo from, ContentHash tesseraHash, byte[] nonce) {
        if (!attestation.tesseraHash().equals(tesseraHash)) {
            return "it is about " + attestation.tesseraHash();
        }
        if (!Arrays.equals(attestation.nonce(), nonce)) {
            return "it answers another challenge (nonce mismatch)";
        }
        if (!attestation.holder().equals(from.id())) {
            return "it names " + attestation.holder() + " as holder";
        }
        if (!verifier.verifySignature(from.publicKey(), attestation.signedPayload(), attestation.signature())) {
            return "its signature does not verify against the peer's key";
        }
        return null;
    }

    private boolean authentic(NodeInfo node) {
        return node != null && verifier.verifyPow(node.id(), node.publicKey(), node.nonce());
    }

    private boolean admissible(NodeInfo node) {
        return !node.id().equals(selfId()) && authentic(node);
    }

    private Transport requireTransport() {
        Transport current = transport.get();
        if (current == null) {
            throw new IllegalStateException("the DHT has no transport");
        }
        return current;
    }

    private NodeId selfId() {
        RoutingTable t = table;
        return t != null ? t.self() : requireTransport().localNode().id();
    }

    private long now() {
        return clock.millis();
    }

    private <T> CompletableFuture<T> notActive(String what) {
        return CompletableFuture.failedFuture(new TransportException("the DHT is not running; cannot " + what));
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static Message error(ErrorCode code, String reason) {
        return new Message.ErrorReply(code, reason);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The seed answered as this very node: it is skipped in later rounds. */
    private static final class SelfSeedException extends TransportException {
        private static final long serialVersionUID = 1L;

        SelfSeedException(String seed, NodeId self) {
            super("seed " + seed + " is this node (" + self + ")");
        }
    }
}
