package org.tesseras.api.port;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;

/** Durable record, kept by a tessera's owner, of which peers hold which of its fragments and how they fare. */
@ProviderType
public interface HolderRegistry {

    /** {@code holder} now holds {@code indices} of {@code tesseraHash} (added to what it held). */
    void recordFragments(ContentHash tesseraHash, Contact holder, Collection<Integer> indices);

    /** {@code holder} no longer counts for {@code indices} of {@code tesseraHash}; a holder left with none is removed. */
    void forgetFragments(ContentHash tesseraHash, NodeId holder, Collection<Integer> indices);

    /** Every holder of {@code tesseraHash} with its indices and record. */
    List<HolderStatus> holders(ContentHash tesseraHash);

    /**
     * Records the outcome of an attestation round with {@code holder}: a success resets the failure count
     * and sets last-attested; a failure increments it. Returns the consecutive failures after this one.
     */
    int recordAttestation(ContentHash tesseraHash, NodeId holder, boolean verified, Instant at);

    /** {@code holder} answered (any message) at {@code at}. */
    void recordSeen(ContentHash tesseraHash, NodeId holder, Instant at);

    /** Tesseras with at least one recorded holder. */
    List<ContentHash> tesseras();

    /** Records the latest health verdict of a tessera. */
    void recordHealth(HealthRecord record);

    /** The latest health verdict of a tessera, if it was ever checked. */
    Optional<HealthRecord> lastHealth(ContentHash tesseraHash);
}
