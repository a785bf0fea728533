package org.tesseras.replication.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.ProgressListener;

/**
 * Tesseras kept whole here that were never encoded, because the node stopped during their put: found, encoded
 * under this node's manifest and placed. Start-up and every repair round finish them, so a put the node died in
 * completes by itself once peers are there.
 */
final class UnplacedTesseras {
    private static final Logger LOG = LoggerFactory.getLogger(UnplacedTesseras.class);
    /** How the outcome begins of a put finished here. */
    static final String COMPLETED_AFTER_A_RESTART = "completed after a restart: ";
    /** The outcome of a put not finished here because another put of the same tessera runs. */
    static final String PUT_RUNNING = "a put of it is running now";

    private final Ports ports;
    private final Replicator replicator;
    private final TesseraLocks locks;

    UnplacedTesseras(Ports ports, Replicator replicator, TesseraLocks locks) {
        this.ports = ports;
        this.replicator = replicator;
        this.locks = locks;
    }

    /** Finishes every kept tessera that has no manifest yet, no push starting after {@code deadline}; says how each went. */
    Map<ContentHash, String> finishAll(Instant deadline) {
        Map<ContentHash, String> outcomes = new LinkedHashMap<>();
        for (ContentHash blob : ports.blobs().list()) {
            if (ports.fragments().manifest(blob).isEmpty()) {
                String outcome = finish(blob, deadline);
                outcomes.put(blob, outcome);
                LOG.info("Tessera {}, kept here but never placed: {}", blob, outcome);
            }
        }
        return outcomes;
    }

    /**
     * Encodes and places a tessera kept here, unless a put of it runs right now, no push starting after
     * {@code deadline}; says how it went.
     */
    String finish(ContentHash hash, Instant deadline) {
        try {
            return locks.ifFree(hash, () -> replicator.place(hash, false, ProgressListener.NONE,
                    deadline))
                    .map(report -> COMPLETED_AFTER_A_RESTART + Replicator.outcome(report))
                    .orElse(PUT_RUNNING);
        } catch (IOException | RuntimeException e) {
            return StartupTasks.INTERRUPTED + "; finishing it failed (" + Failures.rootMessage(e)
                    + "); the next repair round tries again";
        }
    }
}
