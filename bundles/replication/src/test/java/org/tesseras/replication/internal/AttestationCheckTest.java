package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.FileNodeIdentity;
import org.tesseras.crypto.internal.IdentityConfiguration;
import org.tesseras.crypto.internal.PowIdentityVerifier;

/** An attestation answers the challenge only when it is about our tessera, our nonce, the peer that answered. */
class AttestationCheckTest {
    @TempDir
    Path dir;

    final Blake3Hasher hasher = new Blake3Hasher();
    PowIdentityVerifier verifier;
    FileNodeIdentity holder;
    FileNodeIdentity other;
    final ContentHash tessera = hasher.hash("a tessera".getBytes());
    final byte[] nonce = new byte[Attestation.NONCE_LENGTH];
    List<Attestation.Entry> entries;

    @BeforeEach
    void identities() {
        verifier = new PowIdentityVerifier(hasher, Configs.of(IdentityConfiguration.class, Map.of("powDifficulty", 8)));
        holder = identity("holder.key");
        other = identity("other.key");
        nonce[0] = 7;
        entries = List.of(new Attestation.Entry(0, hasher.hash("shard".getBytes()), new byte[32]));
    }

    private FileNodeIdentity identity(String file) {
        return FileNodeIdentity.minted(hasher, Configs.of(IdentityConfiguration.class,
                Map.of("keyFile", dir.resolve(file).toString(), "powDifficulty", 8)));
    }

    private Attestation signed(FileNodeIdentity signer, ContentHash about, byte[] answeredNonce, NodeId named) {
        long now = 1_800_000_000_000L;
        byte[] signature = signer.sign(Attestation.signedPayload(about, answeredNonce, entries, now, named));
        return new Attestation(about, answeredNonce, entries, now, named, signature);
    }

    private NodeInfo answeredBy(FileNodeIdentity identity) {
        return new NodeInfo(identity.nodeId(), identity.publicKey(), identity.nonce(),
                new InetSocketAddress("127.0.0.1", 1), Set.of());
    }

    @Test
    void theHoldersOwnAnswerToOurChallengeIsAccepted() {
        Attestation attestation = signed(holder, tessera, nonce, holder.nodeId());
        assertEquals(Optional.empty(), AttestationCheck.fault(verifier, attestation, answeredBy(holder), tessera,
                nonce));
    }

    @Test
    void anAnswerAboutAnotherTesseraIsRefused() {
        Attestation attestation = signed(holder, hasher.hash("another".getBytes()), nonce, holder.nodeId());
        assertFault("it is about", AttestationCheck.fault(verifier, attestation, answeredBy(holder), tessera,
                nonce));
    }

    @Test
    void anAnswerToAnotherNonceIsRefused() {
        byte[] old = nonce.clone();
        old[0] = 8;
        Attestation replayed = signed(holder, tessera, old, holder.nodeId());
        assertFault("nonce mismatch", AttestationCheck.fault(verifier, replayed, answeredBy(holder), tessera,
                nonce));
    }

    @Test
    void anotherHoldersAttestationPassedOnIsRefused() {
        Attestation theirs = signed(other, tessera, nonce, other.nodeId());
        assertFault("as holder", AttestationCheck.fault(verifier, theirs, answeredBy(holder), tessera, nonce));
    }

    @Test
    void anAttestationNamingThePeerButSignedByAnotherKeyIsRefused() {
        Attestation forged = signed(other, tessera, nonce, holder.nodeId());
        assertFault("signature", AttestationCheck.fault(verifier, forged, answeredBy(holder), tessera, nonce));
    }

    private static void assertFault(String expected, Optional<String> fault) {
        assertTrue(fault.isPresent(), "no fault found");
        assertTrue(fault.get().contains(expected), fault.get());
    }
}
