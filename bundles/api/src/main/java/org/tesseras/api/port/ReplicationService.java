package org.tesseras.api.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.NodeStatus;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RecoveryReport;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.model.VerifyReport;

/** What the node does with tesseras: place them on the network, check and repair them, get them back. */
@ProviderType
public interface ReplicationService {

    /**
     * Keeps the file as a tessera here and places its fragments on peers; the report says how it went. What found
     * no peer (every fragment, when no peer is known) stays here, and the repair loop places it later.
     */
    PlacementReport replicate(Path tesseraFile, ProgressListener progress) throws IOException;

    /** Writes the tessera to {@code target} from here or the network, checked against its hash; no file on failure. */
    RetrievalReport retrieve(ContentHash tesseraHash, Path target, ProgressListener progress) throws IOException;

    /** Asks every holder for a fresh attestation, verifies local fragments and concludes what the tessera needs. */
    HealthReport checkHealth(ContentHash tesseraHash) throws IOException;

    /** Checks the tessera and does what the verdict needs: re-fetch corrupt fragments, re-create and re-place missing ones. */
    RepairReport repair(ContentHash tesseraHash) throws IOException;

    /** Runs a repair round over every tessera now, most endangered first; returns one report per tessera. */
    List<RepairReport> repairAll();

    /** Every tessera this node owns or holds fragments of. */
    List<TesseraStatus> status();

    /**
     * Rebuilds the fragment index from the manifests and shard files on disk (what no manifest explains is
     * quarantined), then restores the holder records of this node's own tesseras from the network.
     */
    ReindexReport reindex() throws IOException;

    /** One tessera's status, if this node knows it. */
    Optional<TesseraStatus> status(ContentHash tesseraHash);

    /** Where the repair loop stands: the last round, the next one, whether one runs now. */
    RepairLoopStatus repairLoopStatus();

    /**
     * Who looks after a tessera this node keeps fragments of: when its owner was last heard, and which holder
     * leads custody while the owner is silent (asked of the DHT now). Empty when this node has no manifest of it.
     */
    Optional<CustodyStatus> custody(ContentHash tesseraHash);

    /**
     * Rebuilds what this node owned from the network, once its identity key is restored on a fresh node: reads its
     * catalogue from the DHT, records every tessera's manifest and holders, and repairs each as its owner.
     */
    RecoveryReport recover(ProgressListener progress) throws IOException;

    /** Quarantined files, and puts under way or cut short by a restart. */
    NodeStatus nodeStatus();

    /**
     * Re-hashes the fragments held here against their manifest and the whole tesseras kept here against their
     * name, of one tessera or (empty) of every one; records the time each fragment was checked, repairs nothing.
     */
    VerifyReport verify(Optional<ContentHash> tesseraHash);
}
