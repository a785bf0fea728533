package org.tesseras.replication.internal;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.port.Failures;

/**
 * The pointers of a tessera for work that goes on without them (custody, repair sources, recovery, holder records
 * after a lost database): empty when none are found, when the lookup fails or times out, or when no DHT runs; the
 * failure is logged once. A get, which cannot go on without them, asks the DHT itself and reports the failure.
 */
final class PointerLookup {
    private static final Logger LOG = LoggerFactory.getLogger(PointerLookup.class);

    private PointerLookup() {
    }

    static Optional<PointerRecords> find(Ports ports, ContentHash hash) {
        try {
            return ports.dht().findPointers(hash).get(Retriever.LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            LOG.info("The pointers of {} could not be looked up: {}", hash, Failures.rootMessage(e));
            return Optional.empty();
        }
    }
}
