package org.tesseras.replication.internal;

import java.util.Arrays;

import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.ReplicationJournal;
import org.tesseras.api.port.Transport;

/**
 * The services replication works with: a holder's ({@link LocalPorts}) and the owner's (the coder, the blobs,
 * the holder records, the journal, the network). Read afresh at each use, so that a replaced service (a new
 * store, coder or tier policy) is picked up without restarting replication.
 */
interface Ports extends LocalPorts {
    ErasureCoder coder();

    BlobStore blobs();

    HolderRegistry holders();

    ReplicationJournal journal();

    DhtPort dht();

    /** The transport, for fragment traffic and attestation requests. */
    Transport transport();

    /** Whether this node made and signed {@code manifest}: it owns the tessera. */
    default boolean owns(TesseraManifest manifest) {
        return manifest.owner().equals(identity().nodeId())
                || Arrays.equals(manifest.ownerPublicKey(), identity().publicKey())
                && verifier().isFormerNodeId(manifest.owner(), manifest.ownerPublicKey(), manifest.ownerNonce());
    }

    /** The coder, checked to be the one that cut a tessera: decoding with another would rebuild garbage. */
    default ErasureCoder coderFor(TesseraManifest manifest) {
        ErasureCoder coder = coder();
        if (!coder.codecId().equals(manifest.codecId())) {
            throw new IllegalStateException("tessera " + manifest.tesseraHash() + " was cut by codec "
                    + manifest.codecId() + " but the coder here is " + coder.codecId()
                    + ": install that codec's bundle to decode it");
        }
        return coder;
    }
}
