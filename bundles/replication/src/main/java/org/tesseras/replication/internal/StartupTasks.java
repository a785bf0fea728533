package org.tesseras.replication.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.ReplicationJournal;

/**
 * What a node does once it has joined after a start: finishes the puts it died in (or says they need
 * running again), restores the holder records of its own tesseras from the network when its database lost
 * them, and announces what it keeps (the DHT keeps pointers for a day only).
 */
final class StartupTasks {
    private static final Logger LOG = LoggerFactory.getLogger(StartupTasks.class);
    /** How the outcome of a put the node stopped in begins, as this class records it after the restart. */
    private static final String STOPPED_WHILE_STORING = "the node stopped while storing ";
    /** How the outcome of a put begins that the restart could not finish (here or in {@link UnplacedTesseras}). */
    static final String INTERRUPTED = "interrupted";

    /** How often to look for a peer before the tasks run. */
    static final Duration JOIN_POLL = Duration.ofSeconds(10);
    /** How long to wait for a first peer before running the tasks anyway. */
    static final Duration JOIN_WAIT = Duration.ofMinutes(10);

    private final Ports ports;
    private final UnplacedTesseras unplaced;
    private final Announcements announcements;

    StartupTasks(Ports ports, UnplacedTesseras unplaced, Announcements announcements) {
        this.ports = ports;
        this.unplaced = unplaced;
        this.announcements = announcements;
    }

    /**
     * Runs the tasks on {@code loop}'s thread once the node knows a peer, looking from {@code delay} on every 10 s,
     * and after 10 minutes without one anyway (the puts then say they wait for peers).
     */
    void runWhenJoined(RepairLoop loop, Duration delay) {
        Instant giveUp = ports.clock().instant().plus(delay).plus(JOIN_WAIT);
        loop.runLater(delay, () -> attempt(loop, giveUp));
    }

    private void attempt(RepairLoop loop, Instant giveUp) {
        if (!knowsAPeer()) {
            if (ports.clock().instant().isBefore(giveUp)) {
                loop.runLater(JOIN_POLL, () -> attempt(loop, giveUp));
                return;
            }
            LOG.warn("No peer known {} after start; running the start-up tasks anyway", JOIN_WAIT);
        }
        run();
    }

    private boolean knowsAPeer() {
        try {
            return !ports.dht().routingTable().isEmpty();
        } catch (IllegalStateException noDht) {
            return false;
        }
    }

    void run() {
        resumeInterruptedPuts();
        recoverHolderRecords();
        announcements.announceAll();
    }

    /** Finishes puts the node stopped in: tesseras kept whole but never encoded or placed are placed now. */
    void resumeInterruptedPuts() {
        ReplicationJournal journal = ports.journal();
        Map<ContentHash, String> finished = unplaced.finishAll(putDeadline());
        for (PutRecord put : journal.unfinishedPuts()) {
            String outcome;
            if (put.tessera().isEmpty()) {
                outcome = STOPPED_WHILE_STORING + put.source() + "; run tesseras:put " + put.source()
                        + " again to be sure it is kept";
                LOG.warn("A put was interrupted: {}", outcome);
            } else if (!ports.blobs().exists(put.tessera().get())) {
                outcome = INTERRUPTED + ", and tessera " + put.tessera().get() + " is no longer kept here";
                LOG.warn("A put of {} was interrupted: {}", put.source(), outcome);
            } else {
                outcome = finished.containsKey(put.tessera().get()) ? finished.get(put.tessera().get())
                        : unplaced.finish(put.tessera().get(), putDeadline());
                LOG.info("The put of {} ({}) that the node stopped in: {}", put.source(), put.tessera().get(), outcome);
            }
            journal.putEnded(put.id(), outcome);
        }
    }

    /** A put finished after a restart gets the deadline of a new put, from now. */
    private Instant putDeadline() {
        return ports.clock().instant().plus(ports.settings().putDeadline());
    }

    /**
     * Whether {@code put} was cut short by a restart: the node stopped during it, and after the restart this class
     * or {@link UnplacedTesseras} recorded how it ended.
     */
    static boolean cutShortByARestart(PutRecord put) {
        String outcome = put.outcome();
        return put.ended() && (outcome.startsWith(STOPPED_WHILE_STORING) || outcome.startsWith(INTERRUPTED)
                || outcome.startsWith(UnplacedTesseras.COMPLETED_AFTER_A_RESTART)
                || outcome.equals(UnplacedTesseras.PUT_RUNNING));
    }

    /**
     * For each tessera this node owns but knows no holder of (its database was lost or restored from an old
     * backup), takes the holders from the tessera's pointer; the next health check verifies every one.
     * Returns how many tesseras got their holders back.
     */
    int recoverHolderRecords() {
        int recovered = 0;
        for (ContentHash hash : ports.fragments().listTesseras()) {
            Optional<TesseraManifest> manifest = ports.fragments().manifest(hash);
            if (manifest.isEmpty() || !ports.owns(manifest.get()) || !ports.holders().holders(hash).isEmpty()) {
                continue;
            }
            Optional<PointerRecords.Variant> variant = PointerLookup.find(ports, hash)
                    .flatMap(r -> r.variantOf(manifest.get()));
            if (variant.isEmpty()) {
                continue;
            }
            int holders = 0;
            for (Holder holder : variant.get().holders()) {
                if (!holder.node().equals(ports.identity().nodeId()) && !holder.indices().isEmpty()) {
                    ports.holders().recordFragments(hash, holder.contact(), holder.indices());
                    holders++;
                }
            }
            if (holders > 0) {
                recovered++;
                LOG.warn("The holders of {} were missing from the database; {} holder(s) were taken from its pointers"
                        + " and will be verified by the next health check", hash, holders);
            }
        }
        return recovered;
    }

}
