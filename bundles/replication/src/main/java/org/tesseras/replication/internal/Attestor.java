package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;

/**
 * Answers attestation challenges: per held fragment its checksum and a fresh keyed proof, all signed. The
 * read that makes each proof also checks the bytes against the manifest: a fragment that rotted is not
 * attested but quarantined, so the owner sees it missing and places it again.
 */
final class Attestor {
    private static final Logger LOG = LoggerFactory.getLogger(Attestor.class);

    private final LocalPorts ports;

    Attestor(LocalPorts ports) {
        this.ports = ports;
    }

    /** The signed attestation of every good fragment of {@code tesseraHash} held here, or empty when none is. */
    Optional<Attestation> attest(ContentHash tesseraHash, byte[] nonce) {
        FragmentStore store = ports.fragments();
        Optional<TesseraManifest> manifest = store.manifest(tesseraHash);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        List<Attestation.Entry> entries = new ArrayList<>();
        try {
            for (StoredFragment fragment : store.list(tesseraHash)) {
                int index = fragment.id().index();
                Optional<FragmentProofs.Proof> proof = FragmentProofs.prove(ports.hasher(), store, tesseraHash, index,
                        nonce);
                if (proof.isEmpty()) {
                    continue;
                }
                if (!proof.get().matches(manifest.get(), index)) {
                    LOG.warn("Fragment {}/{} no longer matches its manifest; it is quarantined, not attested",
                            tesseraHash, index);
                    LocalDamage.quarantine(ports, tesseraHash, index, "its bytes no longer match the manifest (found"
                            + " while answering an attestation)");
                    continue;
                }
                entries.add(new Attestation.Entry(index, manifest.get().checksum(index), proof.get().keyed().bytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("attesting " + tesseraHash + " failed: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        long now = ports.clock().millis();
        NodeId holder = ports.identity().nodeId();
        byte[] signature = ports.identity().sign(Attestation.signedPayload(tesseraHash, nonce, entries, now, holder));
        return Optional.of(new Attestation(tesseraHash, nonce, entries, now, holder, signature));
    }
}
