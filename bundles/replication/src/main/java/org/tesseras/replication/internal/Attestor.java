package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentStore;

/** Answers attestation challenges: per held fragment its checksum and a fresh keyed proof, all signed. */
final class Attestor {
    private final Ports ports;

    Attestor(Ports ports) {
        this.ports = ports;
    }

    /** The signed attestation of every fragment of {@code tesseraHash} held here, or empty when none is. */
    Optional<Attestation> attest(ContentHash tesseraHash, byte[] nonce) {
        FragmentStore store = ports.fragments();
        List<Attestation.Entry> entries = new ArrayList<>();
        try {
            for (StoredFragment fragment : store.list(tesseraHash)) {
                int index = fragment.id().index();
                Optional<ContentHash> proof = FragmentProofs.prove(ports.hasher(), store, tesseraHash, index, nonce);
                proof.ifPresent(p -> entries.add(new Attestation.Entry(index, fragment.id().checksum(), p.bytes())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("attesting " + tesseraHash + " failed: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        var holder = ports.identity().nodeId();
        byte[] signature = ports.identity().sign(Attestation.signedPayload(tesseraHash, nonce, entries, now, holder));
        return Optional.of(new Attestation(tesseraHash, nonce, entries, now, holder, signature));
    }
}
