package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;

/**
 * Manifests signed before a key had one NodeId name the owner by the NodeId its key and nonce made then; they must
 * stay trusted, or every tessera put before the change could no longer be placed, repaired, fetched or recovered.
 */
class FormerNodeIdTest {
    private final Hasher hasher = new Blake3Hasher();
    private final PowIdentityVerifier verifier = new PowIdentityVerifier(hasher, NodeIdentityTest.config(8,
            java.nio.file.Path.of("unused")));

    @Test
    void aManifestSignedUnderTheOwnersFormerNodeIdIsTrusted() {
        KeyPair keys = Ed25519.generate();
        byte[] key = Ed25519.rawPublicKey(keys.getPublic());
        long nonce = 77;
        NodeId former = ProofOfWork.legacyNodeId(hasher, key, nonce);

        assertTrue(verifier.isFormerNodeId(former, key, nonce));
        assertEquals(Optional.empty(), verifier.manifestFault(signed(keys, former, nonce)));
    }

    @Test
    void aManifestNamingAnotherOwnerOrNonceIsStillRefused() {
        KeyPair keys = Ed25519.generate();
        byte[] key = Ed25519.rawPublicKey(keys.getPublic());
        NodeId former = ProofOfWork.legacyNodeId(hasher, key, 77);

        assertTrue(verifier.manifestFault(signed(keys, former, 78)).orElseThrow().contains("does not derive"),
                "the former NodeId of another nonce");
        NodeId stranger = ProofOfWork.nodeIdOf(hasher, Ed25519.rawPublicKey(Ed25519.generate().getPublic()));
        assertTrue(verifier.manifestFault(signed(keys, stranger, 77)).orElseThrow().contains("does not derive"),
                "another key's NodeId");
        TesseraManifest good = signed(keys, former, 77);
        TesseraManifest forged = new TesseraManifest(good.plan(), good.codecId(), good.fragmentChecksums(),
                good.owner(), good.ownerPublicKey(), good.ownerNonce(), good.createdAtMillis() + 1, good.signature());
        assertTrue(verifier.manifestFault(forged).orElseThrow().contains("signature"), "an edited manifest");
    }

    private TesseraManifest signed(KeyPair keys, NodeId owner, long nonce) {
        ContentHash hash = hasher.hash(new byte[] {1, 2, 3});
        FragmentPlan plan = FragmentPlan.of(hash, 10_000_000, FragmentationTier.MEDIUM, 16, 8, 625_000);
        List<ContentHash> checksums = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            checksums.add(hasher.hash(new byte[] {(byte) i}));
        }
        byte[] key = Ed25519.rawPublicKey(keys.getPublic());
        byte[] payload = TesseraManifest.signedPayload(plan, "reed-solomon-gf256/1", checksums, owner, key, nonce,
                1_700_000_000_000L);
        return new TesseraManifest(plan, "reed-solomon-gf256/1", checksums, owner, key, nonce, 1_700_000_000_000L,
                Ed25519.sign(keys.getPrivate(), payload));
    }
}
