package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.NodeStatus;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RecoveryReport;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.model.VerifyReport;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.ReplicationJournal;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.TierPolicy;
import org.tesseras.api.port.Transport;

/**
 * The replication service: what this node does as the owner of tesseras (put, get, check, repair), talking to
 * holders through the transport and finding them through the DHT; what it does as a holder is the
 * {@link HolderService}'s. Every adapter it uses is an optional, dynamic, greedy reference: a replacement (an updated storage bundle, a new coder) is used
 * from the next operation on without restarting replication, and while one is missing, operations that
 * need it fail at once with a message naming it.
 */
@Component(service = ReplicationService.class, configurationPid = ReplicationConfiguration.PID, immediate = true)
@Designate(ocd = ReplicationConfiguration.class)
public final class ReplicationComponent implements ReplicationService, Ports {
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
    volatile ReplicationJournal journal;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DhtPort dht;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Transport transport;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile NodeMetrics metrics;

    /** The time; tests set another clock before {@link #start}. */
    volatile Clock clock = Clock.systemUTC();
    /**
     * How long after start the interrupted puts are finished and pointers announced (time to join the DHT);
     * tests that run the start-up tasks themselves set it longer before {@link #start}.
     */
    volatile Duration startupTasksDelay = Duration.ofSeconds(30);
    private volatile ReplicationSettings settings = ReplicationSettings.DEFAULTS;
    private final TesseraLocks locks = new TesseraLocks();
    private Replicator replicator;
    private HealthChecker checker;
    private Repairer repairer;
    private RepairRounds rounds;
    private Retriever retriever;
    private StartupTasks startup;
    private RepairLoop loop;
    private Custody custody;
    private Recovery recovery;
    private AnnouncementLoop announcer;
    private StatusSurvey survey;
    private LocalVerification verification;

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
        Announcements announcements = new Announcements(this);
        this.custody = new Custody(this);
        this.replicator = new Replicator(this, placement, new OwnerEncoding(this), locks, announcements);
        this.checker = new HealthChecker(this, restorer, custody);
        this.repairer = new Repairer(this, checker, restorer, replicator, placement, custody, announcements);
        UnplacedTesseras unplaced = new UnplacedTesseras(this, replicator, locks);
        this.rounds = new RepairRounds(this, repairer, unplaced, locks);
        this.retriever = new Retriever(this, gatherer);
        this.startup = new StartupTasks(this, unplaced, announcements);
        this.recovery = new Recovery(this, repairer, locks, announcements);
        this.announcer = new AnnouncementLoop(announcements::announceAll);
        announcer.schedule(initial.announceInterval());
        this.survey = new StatusSurvey(this);
        this.verification = new LocalVerification(this);
        this.loop = new RepairLoop(rounds::run, clock, this::lastRepairRoundStart,
                initial.repairSchedule(nodeSeed()), initial.repairLoopEnabled());
        loop.start();
        startup.runWhenJoined(loop, startupTasksDelay);
        LOG.info("Replication started: repair every {} + up to {}, {} concurrent transfers", initial.repairInterval(),
                initial.repairJitter(), initial.maxConcurrentTransfers());
    }

    @Modified
    void modified(ReplicationConfiguration config) {
        apply(ReplicationSettings.from(config));
    }

    /** Takes new settings: limits apply to the next fragment; the next round is still counted from the last one. */
    void apply(ReplicationSettings updated) {
        this.settings = updated;
        loop.reschedule(updated.repairSchedule(nodeSeed()), updated.repairLoopEnabled());
        announcer.schedule(updated.announceInterval());
        LOG.info("Replication settings changed: {}", updated);
    }

    @Deactivate
    void deactivate() {
        loop.stop();
        announcer.stop();
        LOG.info("Replication stopped");
    }

    /** Starts a repair round in the background now. */
    void triggerRepairRound() {
        loop.triggerNow();
    }

    RepairLoop loop() {
        return loop;
    }

    StartupTasks startupTasks() {
        return startup;
    }

    /** The order of the next repair round. */
    List<ContentHash> repairOrder() {
        return rounds.order();
    }

    @Override
    public RepairLoopStatus repairLoopStatus() {
        RepairSchedule schedule = loop.schedule();
        Optional<RepairRound> last;
        try {
            last = journal().lastRepairRound();
        } catch (IllegalStateException noJournal) {
            last = Optional.empty();
        }
        return new RepairLoopStatus(loop.enabled(), schedule.interval(), schedule.jitter(), last, loop.nextRoundAt(),
                loop.runningSince());
    }

    private Optional<Instant> lastRepairRoundStart() {
        ReplicationJournal current = journal;
        return current == null ? Optional.empty() : current.lastRepairRound().map(RepairRound::startedAt);
    }

    /** Spreads the repair jitter of different nodes apart, and keeps it stable across restarts of one. */
    private long nodeSeed() {
        return ByteBuffer.wrap(identity.nodeId().bytes()).getLong();
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
        return locks.exclusively(tesseraHash, () -> repairer.repair(tesseraHash, ProgressListener.NONE));
    }

    @Override
    public List<RepairReport> repairAll() {
        return rounds.run();
    }

    @Override
    public ReindexReport reindex() throws IOException {
        ReindexReport report = fragments().reindex();
        int recovered = startup.recoverHolderRecords();
        if (recovered == 0) {
            return report;
        }
        List<String> notes = new ArrayList<>(report.notes());
        notes.add("the holders of " + recovered + " tessera(s) owned here were taken from their pointers");
        return new ReindexReport(report.tesseraDirectories(), report.manifests(), report.alreadyIndexed(),
                report.indexed(), report.quarantined(), report.markedLost(), notes);
    }

    @Override
    public List<TesseraStatus> status() {
        return survey.tesseras();
    }

    @Override
    public Optional<TesseraStatus> status(ContentHash tesseraHash) {
        return survey.tessera(tesseraHash);
    }

    @Override
    public NodeStatus nodeStatus() {
        return survey.node();
    }

    @Override
    public VerifyReport verify(Optional<ContentHash> tesseraHash) {
        return verification.verify(tesseraHash);
    }

    @Override
    public Optional<CustodyStatus> custody(ContentHash tesseraHash) {
        Optional<TesseraManifest> manifest = fragments().manifest(tesseraHash);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        custody.refresh(manifest.get());
        return custody.status(tesseraHash);
    }

    @Override
    public RecoveryReport recover(ProgressListener progress) throws IOException {
        return recovery.recover(progress);
    }

    /** Custody as this node last decided it, without asking the DHT (tests). */
    Custody custodyState() {
        return custody;
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
    public ReplicationJournal journal() {
        return present(journal, "ReplicationJournal");
    }

    @Override
    public DhtPort dht() {
        return present(dht, "DhtPort");
    }

    @Override
    public Transport transport() {
        return present(transport, "Transport");
    }

    private static <T> T present(T service, String port) {
        return ServicePresence.present(service, port);
    }

    @Override
    public ReplicationSettings settings() {
        return settings;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public NodeMetrics metrics() {
        NodeMetrics current = metrics;
        return current == null ? NodeMetrics.NONE : current;
    }
}
