package org.tesseras.crypto.internal;

import java.security.PublicKey;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.IdentityVerifier;

/** Checks peers' NodeIds against their keys and proof-of-work (two BLAKE3 hashes), and their Ed25519 signatures. */
@Component(service = IdentityVerifier.class, configurationPid = IdentityConfiguration.PID)
public final class PowIdentityVerifier implements IdentityVerifier {
    private final Hasher hasher;
    private volatile int powDifficulty;

    @Activate
    public PowIdentityVerifier(@Reference Hasher hasher, IdentityConfiguration config) {
        this.hasher = hasher;
        modified(config);
    }

    @Modified
    void modified(IdentityConfiguration config) {
        this.powDifficulty = FileNodeIdentity.checkDifficulty(config.powDifficulty());
    }

    @Override
    public int powDifficulty() {
        return powDifficulty;
    }

    @Override
    public NodeId deriveNodeId(byte[] publicKey) {
        return ProofOfWork.nodeIdOf(hasher, publicKey);
    }

    @Override
    public boolean isFormerNodeId(NodeId claimed, byte[] publicKey, long nonce) {
        return ProofOfWork.legacyNodeId(hasher, publicKey, nonce).equals(claimed);
    }

    @Override
    public int powBits(byte[] publicKey, long nonce) {
        return ProofOfWork.powBits(hasher, publicKey, nonce);
    }

    @Override
    public boolean verifyPow(NodeId claimed, byte[] publicKey, long nonce) {
        return powBits(publicKey, nonce) >= powDifficulty && deriveNodeId(publicKey).equals(claimed);
    }

    @Override
    public byte[] rawPublicKey(PublicKey key) {
        return Ed25519.rawPublicKey(key);
    }

    @Override
    public boolean verifySignature(byte[] publicKey, byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }
}
