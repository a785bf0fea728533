package org.tesseras.transport.memory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Set;

import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

/**
 * A real Ed25519 node identity held in memory only: a fresh key pair and a proof-of-work nonce found
 * with the given {@link IdentityVerifier}, so peers checking the NodeId accept it (or, for
 * {@link #withoutProofOfWork}, refuse it).
 */
public final class MemoryIdentity implements NodeIdentity {
    private static final String ALGORITHM = "Ed25519";

    private final KeyPair keys;
    private final byte[] publicKey;
    private final long nonce;
    private final NodeId nodeId;
    private final int powBits;

    private MemoryIdentity(KeyPair keys, byte[] publicKey, long nonce, NodeId nodeId, int powBits) {
        this.powBits = powBits;
        this.keys = keys;
        this.publicKey = publicKey;
        this.nonce = nonce;
        this.nodeId = nodeId;
    }

    /** A new identity whose NodeId meets {@code verifier.powDifficulty()}. */
    public static MemoryIdentity generate(IdentityVerifier verifier) {
        return withProofOfWork(verifier, newKeyPair(null));
    }

    /** The identity {@code seed} always yields (the same key, nonce and NodeId on every run), meeting the proof-of-work. */
    public static MemoryIdentity generate(IdentityVerifier verifier, long seed) {
        return withProofOfWork(verifier, newKeyPair(seededRandom(seed)));
    }

    private static MemoryIdentity withProofOfWork(IdentityVerifier verifier, KeyPair keys) {
        byte[] raw = verifier.rawPublicKey(keys.getPublic());
        int difficulty = verifier.powDifficulty();
        NodeId id = verifier.deriveNodeId(raw);
        for (long nonce = 0; nonce < Long.MAX_VALUE; nonce++) {
            if (verifier.powBits(raw, nonce) >= difficulty) {
                return new MemoryIdentity(keys, raw, nonce, id, verifier.powBits(raw, nonce));
            }
        }
        throw new IllegalStateException("no nonce meets " + difficulty + " bits of proof-of-work");
    }

    /**
     * A new identity whose NodeId is its key's but whose nonce shows less work than
     * {@code verifier.powDifficulty()}: a node that skipped the proof-of-work.
     */
    public static MemoryIdentity withoutProofOfWork(IdentityVerifier verifier) {
        int difficulty = verifier.powDifficulty();
        if (difficulty == 0) {
            throw new IllegalStateException("with a proof-of-work difficulty of 0 every NodeId is valid");
        }
        KeyPair keys = newKeyPair(null);
        byte[] raw = verifier.rawPublicKey(keys.getPublic());
        NodeId id = verifier.deriveNodeId(raw);
        for (long nonce = 0; nonce < Long.MAX_VALUE; nonce++) {
            if (verifier.powBits(raw, nonce) < difficulty) {
                return new MemoryIdentity(keys, raw, nonce, id, verifier.powBits(raw, nonce));
            }
        }
        throw new IllegalStateException("every nonce met the proof-of-work, which cannot happen");
    }

    /** This identity announced at {@code address}, with no capabilities. */
    public NodeInfo nodeInfo(InetSocketAddress address) {
        return new NodeInfo(nodeId, publicKey, nonce, address, Set.of());
    }

    /**
     * This identity's key and nonce announced under a NodeId they do not derive: what a node claiming a
     * place in the key space it did not earn would send.
     */
    public NodeInfo forgedNodeInfo(NodeId claimed, InetSocketAddress address) {
        if (claimed.equals(nodeId)) {
            throw new IllegalArgumentException("claimed id " + claimed + " is this identity's real id, not a forgery");
        }
        return new NodeInfo(claimed, publicKey, nonce, address, Set.of());
    }

    @Override
    public NodeId nodeId() {
        return nodeId;
    }

    @Override
    public int powBits() {
        return powBits;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public long nonce() {
        return nonce;
    }

    @Override
    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(keys.getPrivate());
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed for " + nodeId, e);
        }
    }

    /** No file: a nominal path naming the in-memory identity. */
    @Override
    public Path keyFile() {
        return Path.of("in-memory", nodeId.hex() + ".key");
    }

    @Override
    public String toString() {
        return "MemoryIdentity[" + nodeId.shortHex() + "]";
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            if (random != null) {
                generator.initialize(NamedParameterSpec.ED25519, random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no Ed25519 key generator", e);
        }
    }

    private static SecureRandom seededRandom(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            return random;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no SHA1PRNG for seeded test identities", e);
        }
    }
}
