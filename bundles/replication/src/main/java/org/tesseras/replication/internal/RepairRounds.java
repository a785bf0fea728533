package org.tesseras.replication.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.ProgressListener;

/**
 * A repair round over every tessera this node keeps: its own first, the most endangered first, then the
 * fragments it holds for others, those of peers in deficit last. Each round is recorded in the journal, which
 * is what the schedule counts the next round from.
 */
final class RepairRounds {
    private static final Logger LOG = LoggerFactory.getLogger(RepairRounds.class);

    private final Ports ports;
    private final Repairer repairer;
    private final UnplacedTesseras unplaced;
    private final TesseraLocks locks;

    RepairRounds(Ports ports, Repairer repairer, UnplacedTesseras unplaced, TesseraLocks locks) {
        this.ports = ports;
        this.repairer = repairer;
        this.unplaced = unplaced;
        this.locks = locks;
    }

    List<RepairReport> run() {
        Instant started = ports.clock().instant();
        Instant deadline = started.plus(ports.settings().repairRoundDeadline());
        NodeMetrics.Timing timing = ports.metrics().start(NodeMetrics.Operation.REPAIR_ROUND);
        int finished = unplaced.finishAll(deadline).size();
        List<RepairReport> reports = new ArrayList<>();
        List<ContentHash> order = order();
        int failed = 0;
        int busy = 0;
        boolean cut = false;
        for (ContentHash hash : order) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.info("Repair round interrupted after {} tesseras", reports.size());
                break;
            }
            if (!ports.clock().instant().isBefore(deadline)) {
                cut = true;
                LOG.warn("Repair round reached its deadline ({} after its start) after {} of {} tesseras; the next"
                        + " round starts with the most endangered", ports.settings().repairRoundDeadline(),
                        reports.size() + busy + failed, order.size());
                break;
            }
            try {
                Optional<RepairReport> report = locks.ifFree(hash, () -> repairer.repair(hash, ProgressListener.NONE,
                        deadline));
                if (report.isPresent()) {
                    reports.add(report.get());
                } else {
                    busy++;
                    LOG.info("Repair round passes over {}: a put or repair of it is running", hash);
                }
            } catch (IOException | RuntimeException e) {
                failed++;
                LOG.error("Repairing {} failed: {}", hash, e.toString());
            }
        }
        int repaired = (int) reports.stream().filter(r -> r.fragmentsRebuilt() + r.fragmentsFetched()
                + r.fragmentsPushed() > 0).count();
        int lost = (int) reports.stream().filter(r -> r.after() instanceof RepairAction.Lost).count();
        String note = cut ? "stopped at the round deadline after " + (reports.size() + busy + failed) + " of "
                + order.size() + " tesseras"
                : reports.size() + busy < order.size() - failed ? "interrupted after " + reports.size() + " tesseras"
                        : busy > 0 ? busy + " passed over, busy" : "";
        RepairRound round = new RepairRound(started, ports.clock().instant(), order.size(), repaired, lost, failed,
                note);
        try {
            ports.journal().repairRoundEnded(round);
        } catch (RuntimeException e) {
            LOG.warn("The repair round could not be recorded: {}", e.toString());
        }
        timing.end(failed == 0 ? NodeMetrics.Outcome.SUCCESS : NodeMetrics.Outcome.FAILURE);
        LOG.info("Repair round done in {}: {} tesseras, {} repaired, {} lost, {} failed; {} never placed tried again",
                round.duration(), round.tesseras(), repaired, lost, failed, finished);
        return reports;
    }

    /**
     * Our own tesseras first, the most endangered first; then fragments we hold for others, those of peers in
     * deficit last.
     */
    List<ContentHash> order() {
        List<ContentHash> owned = new ArrayList<>();
        List<ContentHash> held = new ArrayList<>();
        for (ContentHash hash : ports.fragments().listTesseras()) {
            Optional<TesseraManifest> manifest = ports.fragments().manifest(hash);
            if (manifest.isEmpty()) {
                continue;
            }
            (ports.owns(manifest.get()) ? owned : held).add(hash);
        }
        owned.sort(Comparator.comparingInt(this::endangerment).reversed());
        held.sort(Comparator.comparingLong(this::originBalance).reversed());
        List<ContentHash> order = new ArrayList<>(owned);
        order.addAll(held);
        return order;
    }

    private int endangerment(ContentHash hash) {
        Optional<HealthRecord> last = ports.holders().lastHealth(hash);
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
        return ports.fragments().list(hash).stream().map(StoredFragment::originPeer).flatMap(Optional::stream)
                .findFirst().map(ports.ledger()::balance).orElse(0L);
    }
}
