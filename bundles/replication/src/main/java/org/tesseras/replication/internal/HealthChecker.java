package org.tesseras.replication.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.Attestation;
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
import org.tesseras.api.port.FragmentStore;

/**
 * Checks one tessera: its local fragments re-hashed, every known holder challenged for a fresh signed
 * attestation whose proofs are checked against our own bytes; then the verdict of DESIGN.md §6.
 */
final class HealthChecker {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    /** Longest wait for one holder's attestation (it hashes what it holds), after which it counts as failed. */
    static final long ATTEST_TIMEOUT_SECONDS = 120;

    private final Ports ports;
    private final SecureRandom random = new SecureRandom();

    HealthChecker(Ports ports) {
        this.ports = ports;
    }

    HealthReport check(ContentHash hash) throws IOException {
        FragmentStore store = ports.fragments();
        FragmentPlan plan = store.plan(hash)
                .orElseThrow(() -> new IllegalArgumentException("tessera " + hash + " is not known to this node"));
        Instant now = Instant.now();

        Map<Integer, StoredFragment> localGood = new HashMap<>();
        List<Integer> corrupt = new ArrayList<>();
        for (StoredFragment fragment : store.list(hash)) {
            FragmentCheck result = store.verify(hash, fragment.id().index());
            if (result == FragmentCheck.GOOD) {
                localGood.put(fragment.id().index(), fragment);
            } else {
                corrupt.add(fragment.id().index());
                LOG.warn("Local fragment {}/{} is {}", hash, fragment.id().index(), result);
            }
        }

        List<HolderStatus> holders = ports.holders().holders(hash);
        List<CompletableFuture<HolderCheck>> checks = new ArrayList<>();
        for (HolderStatus holder : holders) {
            checks.add(checkHolder(plan, holder, localGood.keySet()));
        }
        List<HolderCheck> results = new ArrayList<>();
        for (CompletableFuture<HolderCheck> check : checks) {
            results.add(check.join());
        }

        RepairAction action = verdict(plan, localGood.keySet(), corrupt, results, !holders.isEmpty());
        String detail = describe(results, corrupt);
        ports.holders().recordHealth(new HealthRecord(hash, action, now, detail));
        if (action instanceof RepairAction.Lost lost) {
            LOG.error("Tessera {} is LOST: only {} of the {} fragments needed survive ({})", hash, lost.available(),
                    lost.needed(), detail);
        }
        return new HealthReport(hash, action, results, corrupt, now);
    }

    private CompletableFuture<HolderCheck> checkHolder(FragmentPlan plan, HolderStatus holder, Set<Integer> localGood) {
        ContentHash hash = plan.tesseraHash();
        byte[] nonce = new byte[Attestation.NONCE_LENGTH];
        random.nextBytes(nonce);
        return ports.dht().attest(holder.holder().contact(), hash, nonce)
                .orTimeout(ATTEST_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .handle((attestation, failure) -> failure != null
                        ? failed(hash, holder, "attestation failed: " + Placement.rootMessage(failure))
                        : judge(plan, holder, attestation, nonce, localGood))
                .thenCompose(check -> check);
    }

    private CompletableFuture<HolderCheck> judge(FragmentPlan plan, HolderStatus holder, Attestation attestation,
            byte[] nonce, Set<Integer> localGood) {
        ContentHash hash = plan.tesseraHash();
        NodeId node = holder.holder().node();
        List<Integer> verified = new ArrayList<>();
        List<Integer> bad = new ArrayList<>();
        for (Attestation.Entry entry : attestation.entries()) {
            if (holder.indices().contains(entry.index())) {
                (proofHolds(plan, entry, nonce, localGood) ? verified : bad).add(entry.index());
            }
        }
        Instant at = Instant.now();
        ports.holders().recordSeen(hash, node, at);
        if (verified.isEmpty()) {
            return failed(hash, holder, "no fragment proved" + (bad.isEmpty() ? "" : ", bad proofs for " + bad));
        }
        ports.holders().recordAttestation(hash, node, true, at);
        List<Integer> absent = new ArrayList<>(holder.indices());
        absent.removeAll(verified);
        if (absent.isEmpty()) {
            return CompletableFuture.completedFuture(new HolderCheck(node, HolderState.VERIFIED, verified, ""));
        }
        // what it no longer proves, it no longer holds for us
        ports.holders().forgetFragments(hash, node, absent);
        return CompletableFuture.completedFuture(new HolderCheck(node, HolderState.VERIFIED, verified,
                "no longer proves " + absent + (bad.isEmpty() ? "" : " (bad proofs for " + bad + ")")));
    }

    /**
     * A holder that failed its attestation is pinged: one that answers still counts, unverified, until it
     * has failed {@code maxFailedAttestations} in a row; one that does not answer counts as lost now.
     */
    private CompletableFuture<HolderCheck> failed(ContentHash hash, HolderStatus holder, String why) {
        NodeId node = holder.holder().node();
        int failures = ports.holders().recordAttestation(hash, node, false, Instant.now());
        int allowed = ports.settings().maxFailedAttestations();
        return ports.dht().ping(holder.holder().contact())
                .completeOnTimeout(false, 30, TimeUnit.SECONDS)
                .exceptionally(e -> false)
                .thenApply(reachable -> {
                    if (!reachable) {
                        return new HolderCheck(node, HolderState.LOST, List.of(), why + "; does not answer pings");
                    }
                    ports.holders().recordSeen(hash, node, Instant.now());
                    if (failures >= allowed) {
                        return new HolderCheck(node, HolderState.LOST, List.of(), why + "; answers pings but failed "
                                + failures + " attestations in a row");
                    }
                    return new HolderCheck(node, HolderState.REACHABLE_UNVERIFIED, holder.indices(),
                            why + "; answers pings (" + failures + " of " + allowed + " failures allowed)");
                });
    }

    private boolean proofHolds(FragmentPlan plan, Attestation.Entry entry, byte[] nonce, Set<Integer> localGood) {
        ContentHash hash = plan.tesseraHash();
        try {
            if (localGood.contains(entry.index())) {
                Optional<ContentHash> expected = FragmentProofs.prove(ports.hasher(), ports.fragments(), hash,
                        entry.index(), nonce);
                return expected.isPresent() && Arrays.equals(expected.get().bytes(), entry.proof());
            }
            // without our own copy only the checksum can be compared
            return ports.fragments().find(hash, entry.index())
                    .map(f -> f.id().checksum().equals(entry.checksum())).orElse(true);
        } catch (IOException e) {
            LOG.warn("Could not compute the proof of {}/{}: {}", hash, entry.index(), e.toString());
            return false;
        }
    }

    static RepairAction verdict(FragmentPlan plan, Set<Integer> localGood, List<Integer> corrupt,
            List<HolderCheck> holders, boolean owned) {
        if (!corrupt.isEmpty()) {
            return new RepairAction.CorruptLocal(corrupt.get(0));
        }
        if (!owned) {
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

    private static String describe(List<HolderCheck> holders, List<Integer> corrupt) {
        long verified = holders.stream().filter(h -> h.state() == HolderState.VERIFIED).count();
        long unverified = holders.stream().filter(h -> h.state() == HolderState.REACHABLE_UNVERIFIED).count();
        long lost = holders.stream().filter(h -> h.state() == HolderState.LOST).count();
        return verified + " holders verified, " + unverified + " reachable but unverified, " + lost + " lost"
                + (corrupt.isEmpty() ? "" : "; corrupt local fragments " + corrupt);
    }
}
