package org.tesseras.replication.internal;

import java.util.Arrays;
import java.util.Optional;

import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.IdentityVerifier;

/**
 * Whether an attestation answers the challenge it was asked: about the tessera asked for, with our nonce, naming
 * as holder the peer that answered (proven by the transport), and signed by that peer's key. Whether its proofs
 * hold is the health check's question.
 */
final class AttestationCheck {
    private AttestationCheck() {
    }

    /** What is wrong with {@code attestation}, or empty when it answers the challenge. */
    static Optional<String> fault(IdentityVerifier verifier, Attestation attestation, NodeInfo from,
            ContentHash tesseraHash, byte[] nonce) {
        if (!attestation.tesseraHash().equals(tesseraHash)) {
            return Optional.of("it is about " + attestation.tesseraHash());
        }
        if (!Arrays.equals(attestation.nonce(), nonce)) {
            return Optional.of("it answers another challenge (nonce mismatch)");
        }
        if (!attestation.holder().equals(from.id())) {
            return Optional.of("it names " + attestation.holder() + " as holder");
        }
        if (!verifier.verifySignature(from.publicKey(), attestation.signedPayload(), attestation.signature())) {
            return Optional.of("its signature does not verify against the peer's key");
        }
        return Optional.empty();
    }
}
