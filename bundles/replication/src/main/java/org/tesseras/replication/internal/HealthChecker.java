package org.tesseras.replication.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.Message;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.HealthReport.HolderCheck;
import org.tesseras.api.model.HealthReport.HolderState;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.TransportException;

/**
 * Checks one tessera: its local fragments re-hashed against the manifest, every known holder challenged for a
 * fresh signed attestation whose proofs are checked against reference bytes that match the manifest (ours, or
 * fetched or rebuilt when we have no good copy); a claim without a reference is never counted as verified.
 * Then the verdict of DESIGN.md §6. What a holder no longer proves it no longer holds for us, and its ledger
 * credit drops.
 */
final class HealthChecker {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    /** Longest wait for one holder's attestation (it hashes what it holds), after which it counts as failed. */
    static final long ATTEST_TIMEOUT_SECONDS = 120;
    /** How often a holder answering BUSY (it limits the attestations it computes) is asked again. */
    static final int MAX_BUSY_ANSWERS = 8;
    /** The wait after a BUSY answer, times how many the holder gave. */
    static final long BUSY_RETRY_MILLIS = 1000;

    private final Ports ports;
    private final LocalRestorer restorer;
    private final Custody custody;
    private final SecureRandom random = new SecureRandom();

    HealthChecker(Ports ports, LocalRestorer restorer, Custody custody) {
        this.ports = ports;
        this.restorer = restorer;
        this.custody = custody;
    }

    HealthReport check(ContentHash hash) throws IOException {
        FragmentStore store = ports.fragments();
        TesseraManifest manifest = store.manifest(hash)
                .orElseThrow(() -> new IllegalArgumentException("tessera " + hash + " is not known to this node"));
        FragmentPlan plan = manifest.plan();
        Instant now = ports.clock().instant();

        Set<Integer> localGood = new HashSet<>();
        List<Integer> corrupt = new ArrayList<>();
        for (StoredFragment fragment : store.list(hash)) {
            int index = fragment.id().index();
            FragmentCheck result = fragment.id().checksum().equals(manifest.checksum(index))
                    ? store.verify(hash, index)
                    : FragmentCheck.CORRUPT;
            if (result == FragmentCheck.GOOD) {
                localGood.add(index);
            } else {
                corrupt.add(index);
                LOG.warn("Local fragment {}/{} is {}", hash, index, result);
            }
        }

        List<HolderStatus> holders = ports.holders().holders(hash);
        List<HolderCheck> results = new ArrayList<>();
        try (ReferenceBytes references = new ReferenceBytes(ports, restorer, manifest, localGood)) {
            Set<Integer> claimed = new TreeSet<>();
            holders.forEach(h -> claimed.addAll(h.indices()));
            references.prepare(claimed, holders.stream().map(HolderStatus::holder).toList());
            List<CompletableFuture<HolderCheck>> checks = new ArrayList<>();
            for (HolderStatus holder : holders) {
                checks.add(checkHolder(manifest, holder, references));
            }
            for (CompletableFuture<HolderCheck> check : checks) {
                results.add(check.join());
            }
        }

        boolean custodian = !ports.owns(manifest) && custody.leads(hash);
        List<HolderCheck> counted = new ArrayList<>(results);
        if (custodian) {
            // a custodian is one of the holders: what it keeps counts as held
            counted.add(new HolderCheck(ports.identity().nodeId(), HolderState.VERIFIED, List.copyOf(localGood),
                    "the custodian"));
        }
        RepairAction action = verdict(plan, localGood, corrupt, counted, ports.owns(manifest) || custodian);
        String detail = describe(results, corrupt);
        Optional<HealthRecord> previous = ports.holders().lastHealth(hash);
        ports.holders().recordHealth(new HealthRecord(hash, action, now, detail));
        logChange(hash, previous.map(HealthRecord::action), action, detail);
        return new HealthReport(hash, action, results, corrupt, now);
    }

    private CompletableFuture<HolderCheck> checkHolder(TesseraManifest manifest, HolderStatus holder,
            ReferenceBytes references) {
        ContentHash hash = manifest.tesseraHash();
        byte[] nonce = new byte[Attestation.NONCE_LENGTH];
        random.nextBytes(nonce);
        return attest(holder, hash, nonce)
                .orTimeout(ATTEST_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .handle((attestation, failure) -> failure != null
                        ? failed(manifest, holder, "attestation failed: " + Failures.rootMessage(failure))
                        : judge(manifest, holder, attestation, nonce, references))
                .thenCompose(check -> check);
    }

    /**
     * Asks {@code holder} for a fresh attestation and checks it answers this very challenge; a holder answering
     * BUSY is asked again after a wait, so that its limits never count as a failed attestation.
     */
    private CompletableFuture<Attestation> attest(HolderStatus holder, ContentHash hash, byte[] nonce) {
        return attest(holder, hash, nonce, 1);
    }

    private CompletableFuture<Attestation> attest(HolderStatus holder, ContentHash hash, byte[] nonce, int attempt) {
        return askOnce(holder, hash, nonce).exceptionallyCompose(failure -> {
            if (!Failures.answeredBusy(failure) || attempt >= MAX_BUSY_ANSWERS) {
                return CompletableFuture.failedFuture(failure);
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                    BUSY_RETRY_MILLIS * attempt, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> attest(holder, hash, nonce, attempt + 1));
        });
    }

    private CompletableFuture<Attestation> askOnce(HolderStatus holder, ContentHash hash, byte[] nonce) {
        Contact peer = holder.holder().contact();
        NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.ATTESTATION_ASKED);
        CompletableFuture<Attestation> answer = ports.transport().request(peer, new Message.AttestRequest(hash, nonce))
                .thenApply(reply -> {
            if (!(reply.message() instanceof Message.AttestResponse response)) {
                throw new CompletionException(new TransportException("peer " + peer.id()
                        + " answered an attestation request for " + hash + " with " + reply.message().kind()));
            }
            Optional<String> fault = AttestationCheck.fault(ports.verifier(), response.attestation(), reply.from(),
                    hash, nonce);
            if (fault.isPresent()) {
                throw new CompletionException(new TransportException("attestation of " + hash + " from peer "
                        + peer.id() + " rejected: " + fault.get()));
            }
            return response.attestation();
        });
        answer.whenComplete((attestation, failure) -> timing.end(failure == null ? NodeMetrics.Outcome.SUCCESS
                : NodeMetrics.Outcome.FAILURE));
        return answer;
    }

    private CompletableFuture<HolderCheck> judge(TesseraManifest manifest, HolderStatus holder, Attestation attestation,
            byte[] nonce, ReferenceBytes references) {
        ContentHash hash = manifest.tesseraHash();
        NodeId node = holder.holder().node();
        List<Integer> verified = new ArrayList<>();
        List<Integer> bad = new ArrayList<>();
        List<Integer> unproven = new ArrayList<>();
        for (Attestation.Entry entry : attestation.entries()) {
            if (!holder.indices().contains(entry.index())) {
                continue;
            }
            Optional<ContentHash> expected;
            try {
                expected = references.expectedProof(entry.index(), nonce);
            } catch (IOException e) {
                LOG.warn("Could not compute the proof of {}/{}: {}", hash, entry.index(), e.toString());
                expected = Optional.empty();
            }
            if (expected.isEmpty()) {
                unproven.add(entry.index());
            } else if (Arrays.equals(expected.get().bytes(), entry.proof())) {
                verified.add(entry.index());
            } else {
                bad.add(entry.index());
            }
        }
        Instant at = ports.clock().instant();
        ports.holders().recordSeen(hash, node, at);
        String problems = (bad.isEmpty() ? "" : "; bad proofs for " + bad)
                + (unproven.isEmpty() ? "" : "; no reference bytes to check " + unproven + " against");
        if (verified.isEmpty()) {
            return failed(manifest, holder, "no fragment proved" + problems);
        }
        ports.holders().recordAttestation(hash, node, true, at);
        List<Integer> absent = new ArrayList<>(holder.indices());
        absent.removeAll(verified);
        if (absent.isEmpty()) {
            return CompletableFuture.completedFuture(new HolderCheck(node, HolderState.VERIFIED, verified, ""));
        }
        // what it no longer proves, it no longer holds for us
        LedgerCorrections.holderLost(ports, manifest.plan(), node, absent, "not proven in a health check",
                ports.owns(manifest));
        return CompletableFuture.completedFuture(new HolderCheck(node, HolderState.VERIFIED, verified,
                "no longer proves " + absent + problems));
    }

    /**
     * A holder that failed its attestation is pinged: one that answers still counts, unverified, until it
     * has failed {@code maxFailedAttestations} in a row; one that does not answer counts as lost now.
     */
    private CompletableFuture<HolderCheck> failed(TesseraManifest manifest, HolderStatus holder, String why) {
        ContentHash hash = manifest.tesseraHash();
        NodeId node = holder.holder().node();
        int failures = ports.holders().recordAttestation(hash, node, false, ports.clock().instant());
        int allowed = ports.settings().maxFailedAttestations();
        return ports.dht().ping(holder.holder().contact())
                .completeOnTimeout(false, 30, TimeUnit.SECONDS)
                .exceptionally(e -> false)
                .thenApply(reachable -> {
                    if (!reachable) {
                        return new HolderCheck(node, HolderState.LOST, List.of(), why + "; does not answer pings");
                    }
                    ports.holders().recordSeen(hash, node, ports.clock().instant());
                    if (failures >= allowed) {
                        return new HolderCheck(node, HolderState.LOST, List.of(), why + "; answers pings but failed "
                                + failures + " attestations in a row");
                    }
                    return new HolderCheck(node, HolderState.REACHABLE_UNVERIFIED, holder.indices(),
                            why + "; answers pings (" + failures + " of " + allowed + " failures allowed)");
                });
    }

    static RepairAction verdict(FragmentPlan plan, Set<Integer> localGood, List<Integer> corrupt,
            List<HolderCheck> holders, boolean responsible) {
        if (!corrupt.isEmpty()) {
            return new RepairAction.CorruptLocal(corrupt.get(0));
        }
        if (!responsible) {
            return new RepairAction.Healthy();
        }
        Set<Integer> remote = new TreeSet<>();
        int liveCopies = 0;
        for (HolderCheck holder : holders) {
            if (holder.state() == HolderState.LOST) {
                continue;
            }
            remote.addAll(holder.indices());
            if (!holder.indices().isEmpty()) {
                liveCopies++;
            }
        }
        if (!plan.tier().isErasureCoded()) {
            if (liveCopies == 0 && localGood.isEmpty()) {
                return new RepairAction.Lost(0, 1);
            }
            int deficit = plan.replicationFactor() - liveCopies;
            return deficit > 0 ? new RepairAction.NeedsReplication(deficit, List.of(0)) : new RepairAction.Healthy();
        }
        Set<Integer> available = new TreeSet<>(remote);
        available.addAll(localGood);
        if (available.size() < plan.dataShards()) {
            return new RepairAction.Lost(available.size(), plan.dataShards());
        }
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < plan.totalShards(); index++) {
            if (!remote.contains(index)) {
                missing.add(index);
            }
        }
        return missing.isEmpty() ? new RepairAction.Healthy() : new RepairAction.NeedsReplication(missing.size(), missing);
    }

    /** Logs a tessera's health once per change of state, at WARN with what to do while it is at risk. */
    static void logChange(ContentHash hash, Optional<RepairAction> before, RepairAction now, String detail) {
        if (before.isPresent() && before.get().getClass() == now.getClass()) {
            return;
        }
        if (now instanceof RepairAction.Lost lost) {
            LOG.error("Tessera {} is LOST: only {} of the {} fragments needed survive ({}). Bring back a node that"
                    + " held it, or put the file again if you still have it.", hash, lost.available(), lost.needed(),
                    detail);
        } else if (now instanceof RepairAction.NeedsReplication needs) {
            LOG.warn("Tessera {} is AT RISK: {} fragment(s) have no live holder ({}). The repair round re-places them;"
                    + " run tesseras:repair {} to do it now.", hash, needs.deficit(), detail, hash);
        } else if (now instanceof RepairAction.CorruptLocal corrupt) {
            LOG.warn("Tessera {} has a CORRUPT local fragment {} ({}). Run tesseras:repair {} to replace it.", hash,
                    corrupt.fragmentIndex(), detail, hash);
        } else if (before.isPresent()) {
            LOG.info("Tessera {} is healthy again ({})", hash, detail);
        }
    }

    private static String describe(List<HolderCheck> holders, List<Integer> corrupt) {
        long verified = holders.stream().filter(h -> h.state() == HolderState.VERIFIED).count();
        long unverified = holders.stream().filter(h -> h.state() == HolderState.REACHABLE_UNVERIFIED).count();
        long lost = holders.stream().filter(h -> h.state() == HolderState.LOST).count();
        return verified + " holders verified, " + unverified + " reachable but unverified, " + lost + " lost"
                + (corrupt.isEmpty() ? "" : "; corrupt local fragments " + corrupt);
    }
}
