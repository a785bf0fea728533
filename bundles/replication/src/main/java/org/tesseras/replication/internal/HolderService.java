package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.channels.Channels;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.TierPolicy;

/**
 * What this node does as a holder of other nodes' fragments: takes pushes it judges acceptable (before their
 * bytes come), proves possession when challenged (at most {@code maxAttestationsPerPeerPerMinute} times a minute for
 * any one peer), serves fragments to those who fetch them. The transport hands
 * it that traffic; it needs no transport itself, so there is no service cycle. Stores and ledger are optional,
 * dynamic, greedy references: a replacement is used from the next request on.
 */
@Component(service = {RequestHandler.class, PushHandler.class, FetchHandler.class},
        configurationPid = ReplicationConfiguration.PID, property = RequestHandler.KINDS + "=AttestRequest")
public final class HolderService implements RequestHandler, PushHandler, FetchHandler, LocalPorts {
    /** The request kinds it answers, as its service property lists them. */
    static final List<String> KINDS = List.of("AttestRequest");
    private static final Logger LOG = LoggerFactory.getLogger(HolderService.class);

    @Reference
    volatile Hasher hasher;
    @Reference
    volatile NodeIdentity identity;
    @Reference
    volatile IdentityVerifier verifier;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TierPolicy tiers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FragmentStore fragments;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReciprocityLedger ledger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile NodeMetrics metrics;

    /** The time; tests set another clock before {@link #start}. */
    volatile Clock clock = Clock.systemUTC();
    private volatile ReplicationSettings settings = ReplicationSettings.DEFAULTS;
    private FragmentReceiver receiver;
    private Attestor attestor;
    private AttestationRateLimit attestationLimit;

    @Activate
    void activate(ReplicationConfiguration config) {
        start(ReplicationSettings.from(config));
    }

    /** Starts with {@code initial} settings (also the entry point of tests that build the component by hand). */
    void start(ReplicationSettings initial) {
        this.settings = initial;
        this.receiver = new FragmentReceiver(this);
        this.attestor = new Attestor(this);
        this.attestationLimit = new AttestationRateLimit(() -> clock.millis());
    }

    @Modified
    void modified(ReplicationConfiguration config) {
        apply(ReplicationSettings.from(config));
    }

    /** Takes new limits from the next fragment on. */
    void apply(ReplicationSettings updated) {
        this.settings = updated;
    }

    @Override
    public Message answer(NodeInfo sender, Message request) {
        if (!(request instanceof Message.AttestRequest attest)) {
            return new Message.ErrorReply(ErrorCode.UNKNOWN_TYPE, request.kind() + " is not a request a holder"
                    + " answers");
        }
        int perMinute = settings.peerLimits().maxAttestationsPerPeerPerMinute();
        Optional<AttestationRateLimit.Permit> permit = attestationLimit.tryStart(sender.id(), perMinute);
        if (permit.isEmpty()) {
            return new Message.ErrorReply(ErrorCode.BUSY, "peer " + sender.id() + " asked for more attestations than"
                    + " this node answers now (" + perMinute + " a minute per peer, " + AttestationRateLimit.BURST
                    + " at most back to back, one at a time, " + AttestationRateLimit.AT_ONCE + " for all peers);"
                    + " ask again in " + attestationLimit.secondsUntilNext(sender.id(), perMinute) + " s");
        }
        Optional<Attestation> attestation;
        try (AttestationRateLimit.Permit answering = permit.get()) {
            NodeMetrics.Timing timing = metrics().start(NodeMetrics.Operation.ATTESTATION_ANSWERED);
            attestation = attestor.attest(attest.tesseraHash(), attest.nonce());
            timing.end(attestation.isPresent() ? NodeMetrics.Outcome.SUCCESS : NodeMetrics.Outcome.FAILURE);
        }
        if (attestation.isEmpty()) {
            return new Message.ErrorReply(ErrorCode.NOT_FOUND, "node " + identity.nodeId()
                    + " holds no fragments of " + attest.tesseraHash());
        }
        return new Message.AttestResponse(attestation.get());
    }

    @Override
    public Optional<ReplicateAck> judge(NodeInfo sender, FragmentId id, TesseraManifest manifest) {
        return receiver.judge(sender, id, manifest);
    }

    @Override
    public ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
        return receiver.receive(sender, envelope);
    }

    @Override
    public Optional<FragmentEnvelope> serve(NodeInfo requester, ContentHash tesseraHash, int index) {
        FragmentStore store = fragments();
        Optional<TesseraManifest> manifest = store.manifest(tesseraHash);
        if (manifest.isEmpty() || index >= manifest.get().plan().totalShards() || !wholeShard(manifest.get(), index)) {
            return Optional.empty();
        }
        return Optional.of(FragmentEnvelope.of(manifest.get(), index, () -> Channels.newInputStream(
                store.open(tesseraHash, index).orElseThrow(() -> new IOException("fragment " + tesseraHash + "/"
                        + index + " vanished while sending")))));
    }

    /**
     * Whether fragment {@code index} is held here and a shard long (the length its medium keeps, asked without
     * reading it). One that is not would only fail at the peer that fetches it, so it is quarantined here, saying
     * why, and the peer is told it is not held and asks another holder; the owner's next health check has it
     * placed again.
     */
    private boolean wholeShard(TesseraManifest manifest, int index) {
        ContentHash hash = manifest.plan().tesseraHash();
        try {
            OptionalLong held = fragments().sizeHeld(hash, index);
            if (held.isEmpty() || held.getAsLong() == manifest.plan().shardSize()) {
                return held.isPresent();
            }
            // asked again just before it is set aside: a good copy stored meanwhile is not taken for the bad one
            if (!fragments().sizeHeld(hash, index).equals(held)) {
                return false;
            }
            LocalDamage.quarantineWrongSize(this, hash, manifest.plan(), Map.of(index, held.getAsLong()),
                    "a peer's fetch");
            return false;
        } catch (IOException e) {
            LOG.warn("Fragment {}/{} could not be checked, or set aside, to serve it; the peer is told it is not held",
                    hash, index, e);
            return false;
        }
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
    public TierPolicy tiers() {
        return ServicePresence.present(tiers, "TierPolicy");
    }

    @Override
    public FragmentStore fragments() {
        return ServicePresence.present(fragments, "FragmentStore");
    }

    @Override
    public ReciprocityLedger ledger() {
        return ServicePresence.present(ledger, "ReciprocityLedger");
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
