package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.FragmentExchange;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.TierPolicy;

/**
 * The replication service and the fragment exchange peers reach through the DHT. Every adapter it uses is
 * an optional, dynamic, greedy reference: a replacement (an updated storage bundle, a new coder) is used
 * from the next operation on without restarting replication, and while one is missing, operations that
 * need it fail at once with a message naming it.
 */
@Component(service = {ReplicationService.class, FragmentExchange.class}, configurationPid = ReplicationConfiguration.PID,
        immediate = true)
@Designate(ocd = ReplicationConfiguration.class)
public final class ReplicationComponent implements ReplicationService, FragmentExchange, Ports {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationComponent.class);

    @Reference
    volatile Hasher hasher;
    @Reference
    volatile NodeIdentity identity;
    @Reference
    volatile IdentityVerifier verifier;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ErasureCoder coder;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TierPolicy tiers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FragmentStore fragments;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BlobStore blobs;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReciprocityLedger ledger;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile HolderRegistry holders;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DhtPort dht;

    /** How long after start the pointers are announced again (time for the DHT to join through its seeds). */
    static final Duration POINTER_REPUBLISH_DELAY = Duration.ofSeconds(30);

    private volatile ReplicationSettings settings = ReplicationSettings.DEFAULTS;
    private FragmentReceiver receiver;
    private Attestor attestor;
    private Replicator replicator;
    private HealthChecker checker;
    private Repairer repairer;
    private Retriever retriever;
    private RepairLoop loop;

    @Activate
    void activate(ReplicationConfiguration config) {
        start(ReplicationSettings.from(config));
    }

    /** Starts with {@code initial} settings (also the entry point of tests that build the component by hand). */
    void start(ReplicationSettings initial) {
        this.settings = initial;
        Placement placement = new Placement(this);
        FragmentGatherer gatherer = new FragmentGatherer(this);
        LocalRestorer restorer = new LocalRestorer(this, gatherer);
        this.receiver = new FragmentReceiver(this);
        this.attestor = new Attestor(this);
        this.replicator = new Replicator(this, placement);
        this.checker = new HealthChecker(this);
        this.repairer = new Repairer(this, checker, restorer, replicator, placement);
        this.retriever = new Retriever(this, gatherer);
        this.loop = new RepairLoop(this::repairAll, initial.repairInterval(), initial.repairJitter());
        loop.schedule(initial.repairLoopEnabled(), initial.repairInterval(), initial.repairJitter());
        // the DHT keeps the pointers it publishes only in memory: announce ours again once it has joined
        loop.runLater(POINTER_REPUBLISH_DELAY, this::republishPointers);
        LOG.info("Replication started: repair every {} + up to {}, {} concurrent transfers", initial.repairInterval(),
                initial.repairJitter(), initial.maxConcurrentTransfers());
    }

    /** Publishes the pointer of every tessera this node has placed. */
    void republishPointers() {
        int published = 0;
        for (ContentHash hash : holders().tesseras()) {
            Optional<FragmentPlan> plan = fragments().plan(hash);
            if (plan.isPresent()) {
                replicator.publish(plan.get());
                published++;
            }
        }
        LOG.info("Republished the pointers of {} tesseras", published);
    }

    @Modified
    void modified(ReplicationConfiguration config) {
        apply(ReplicationSettings.from(config));
    }

    /** Takes new settings: limits apply to the next fragment, timing to the next scheduled round. */
    void apply(ReplicationSettings updated) {
        this.settings = updated;
        loop.schedule(updated.repairLoopEnabled(), updated.repairInterval(), updated.repairJitter());
        LOG.info("Replication settings changed: {}", updated);
    }

    @Deactivate
    void deactivate() {
        loop.stop();
        LOG.info("Replication stopped");
    }

    /** Starts a repair round in the background now. */
    void triggerRepairRound() {
        loop.triggerNow();
    }

    RepairLoop loop() {
        return loop;
    }

    @Override
    public PlacementReport replicate(Path tesseraFile, ProgressListener progress) throws IOException {
        return replicator.replicate(tesseraFile, progress);
    }

    @Override
    public RetrievalReport retrieve(ContentHash tesseraHash, Path target, ProgressListener progress) throws IOException {
        return retriever.retrieve(tesseraHash, target, progress);
    }

    @Override
    public HealthReport checkHealth(ContentHash tesseraHash) throws IOException {
        return checker.check(tesseraHash);
    }

    @Override
    public RepairReport repair(ContentHash tesseraHash) throws IOException {
        return repairer.repair(tesseraHash, ProgressListener.NONE);
    }

    @Override
    public List<RepairReport> repairAll() {
        List<RepairReport> reports = new ArrayList<>();
        for (ContentHash hash : repairOrder()) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.info("Repair round interrupted after {} tesseras", reports.size());
                break;
            }
            try {
                reports.add(repairer.repair(hash, ProgressListener.NONE));
            } catch (IOException | RuntimeException e) {
                LOG.error("Repairing {} failed: {}", hash, e.toString());
            }
        }
        LOG.info("Repair round done: {} tesseras", reports.size());
        return reports;
    }

    /**
     * Our own tesseras first, the most endangered first; then fragments we hold for others, those of
     * peers in deficit last.
     */
    List<ContentHash> repairOrder() {
        Set<ContentHash> owned = new LinkedHashSet<>(holders().tesseras());
        for (ContentHash blob : blobs().list()) {
            if (fragments().plan(blob).isPresent()) {
                owned.add(blob);
            }
        }
        List<ContentHash> ownedOrder = new ArrayList<>(owned);
        ownedOrder.sort(Comparator.comparingInt(this::endangerment).reversed());
        List<ContentHash> held = new ArrayList<>();
        for (ContentHash hash : fragments().listTesseras()) {
            if (!owned.contains(hash)) {
                held.add(hash);
            }
        }
        held.sort(Comparator.comparingLong(this::originBalance).reversed());
        List<ContentHash> order = new ArrayList<>(ownedOrder);
        order.addAll(held);
        return order;
    }

    private int endangerment(ContentHash hash) {
        Optional<HealthRecord> last = holders().lastHealth(hash);
        if (last.isEmpty()) {
            return 500;
        }
        RepairAction action = last.get().action();
        if (action instanceof RepairAction.Lost) {
            return 1000;
        }
        if (action instanceof RepairAction.CorruptLocal) {
            return 800;
        }
        if (action instanceof RepairAction.NeedsReplication needs) {
            return 600 + Math.min(needs.deficit(), 199);
        }
        return 0;
    }

    /** The balance of the peer a held tessera's fragments came from (0 when unknown). */
    private long originBalance(ContentHash hash) {
        return fragments().list(hash).stream().map(StoredFragment::originPeer).flatMap(Optional::stream).findFirst()
                .map(ledger()::balance).orElse(0L);
    }

    @Override
    public List<TesseraStatus> status() {
        Set<ContentHash> known = new LinkedHashSet<>(fragments().listTesseras());
        known.addAll(holders().tesseras());
        known.addAll(blobs().list());
        List<TesseraStatus> statuses = new ArrayList<>();
        for (ContentHash hash : known) {
            status(hash).ifPresent(statuses::add);
        }
        return statuses;
    }

    @Override
    public Optional<TesseraStatus> status(ContentHash tesseraHash) {
        Optional<FragmentPlan> plan = fragments().plan(tesseraHash);
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TesseraStatus(plan.get(), fragments().list(tesseraHash).size(), blobs().exists(tesseraHash),
                holders().holders(tesseraHash).size(), holders().lastHealth(tesseraHash)));
    }

    @Override
    public ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
        return receiver.receive(sender, envelope);
    }

    @Override
    public Optional<Attestation> attest(NodeInfo requester, ContentHash tesseraHash, byte[] nonce) {
        return attestor.attest(tesseraHash, nonce);
    }

    @Override
    public Optional<FragmentEnvelope> fetch(NodeInfo requester, ContentHash tesseraHash, int index) {
        FragmentStore store = fragments();
        Optional<StoredFragment> fragment = store.find(tesseraHash, index);
        Optional<FragmentPlan> plan = store.plan(tesseraHash);
        if (fragment.isEmpty() || plan.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FragmentEnvelope(fragment.get().id(), plan.get(),
                () -> java.nio.channels.Channels.newInputStream(store.open(tesseraHash, index).orElseThrow(
                        () -> new IOException("fragment " + tesseraHash + "/" + index + " vanished while sending")))));
    }

    @Override
    public Hasher hasher() {
        return hasher;
    }

    @Override
    public NodeIdentity identity() {
        return identity;
    }

    @Override
    public IdentityVerifier verifier() {
        return verifier;
    }

    @Override
    public ErasureCoder coder() {
        return present(coder, "ErasureCoder");
    }

    @Override
    public TierPolicy tiers() {
        return present(tiers, "TierPolicy");
    }

    @Override
    public FragmentStore fragments() {
        return present(fragments, "FragmentStore");
    }

    @Override
    public BlobStore blobs() {
        return present(blobs, "BlobStore");
    }

    @Override
    public ReciprocityLedger ledger() {
        return present(ledger, "ReciprocityLedger");
    }

    @Override
    public HolderRegistry holders() {
        return present(holders, "HolderRegistry");
    }

    @Override
    public DhtPort dht() {
        return present(dht, "DhtPort");
    }

    private static <T> T present(T service, String port) {
        if (service == null) {
            throw new IllegalStateException("no " + port + " service is available right now (is its bundle being"
                    + " updated or stopped?)");
        }
        return service;
    }

    @Override
    public ReplicationSettings settings() {
        return settings;
    }
}
