package org.tesseras.api.port;

import java.security.PublicKey;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;

/** Checks other nodes' identities and signatures. */
@ProviderType
public interface IdentityVerifier {

    /** Leading zero bits of {@code BLAKE3(publicKey || nonce)} a peer's nonce must show to be accepted. */
    int powDifficulty();

    /** The one NodeId of a key: {@code BLAKE3(publicKey)[0..20]}. */
    NodeId deriveNodeId(byte[] publicKey);

    /**
     * Whether {@code claimed} is the NodeId {@code publicKey} and {@code nonce} made before a key had one NodeId
     * ({@code BLAKE3(publicKey || nonce)[0..20]}). Manifests signed then name it as their owner; they stay valid,
     * so tesseras put before that change can still be placed, repaired, fetched and recovered.
     */
    default boolean isFormerNodeId(NodeId claimed, byte[] publicKey, long nonce) {
        return false;
    }

    /** Leading zero bits of {@code BLAKE3(publicKey || nonce as u64 LE)}: the proof-of-work {@code nonce} shows. */
    int powBits(byte[] publicKey, long nonce);

    /**
     * Whether {@code claimed} is the NodeId of {@code publicKey} and {@code nonce} shows the required proof-of-work
     * for that key.
     */
    boolean verifyPow(NodeId claimed, byte[] publicKey, long nonce);

    /** The raw 32-byte form of an Ed25519 public key (as a TLS peer certificate carries it); throws if not Ed25519. */
    byte[] rawPublicKey(PublicKey key);

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code publicKey} (raw 32 bytes). */
    boolean verifySignature(byte[] publicKey, byte[] message, byte[] signature);

    /**
     * Why {@code manifest} cannot be trusted, or empty when it can: its owner's NodeId must be the owner key's
     * (with the required proof-of-work, or {@linkplain #isFormerNodeId its NodeId from before}), and the signature
     * must verify with that key.
     */
    default Optional<String> manifestFault(TesseraManifest manifest) {
        byte[] key = manifest.ownerPublicKey();
        if (!verifyPow(manifest.owner(), key, manifest.ownerNonce())
                && !isFormerNodeId(manifest.owner(), key, manifest.ownerNonce())) {
            return Optional.of("its owner " + manifest.owner() + " does not derive from the owner key, or the owner"
                    + " nonce lacks the required proof-of-work");
        }
        if (!verifySignature(key, manifest.signedPayload(), manifest.signature())) {
            return Optional.of("its signature does not verify with the owner's key");
        }
        return Optional.empty();
    }

    /**
     * Why {@code pointer} cannot be kept, or empty when it can: its manifest must be trusted, the publisher's
     * NodeId must derive from its key and nonce, the signature must verify with that key, and the publisher must
     * be the owner or list itself as a holder.
     */
    default Optional<String> pointerFault(TesseraPointer pointer) {
        Optional<String> manifest = manifestFault(pointer.manifest());
        if (manifest.isPresent()) {
            return Optional.of("its manifest cannot be trusted: " + manifest.get());
        }
        if (!verifyPow(pointer.publisher(), pointer.publisherKey(), pointer.publisherNonce())) {
            return Optional.of("its publisher " + pointer.publisher() + " does not derive from the publisher key and"
                    + " nonce with the required proof-of-work");
        }
        if (!verifySignature(pointer.publisherKey(), pointer.signedPayload(), pointer.signature())) {
            return Optional.of("its signature does not verify with the publisher's key");
        }
        if (!pointer.publisherEntitled()) {
            return Optional.of("its publisher " + pointer.publisher() + " is neither the owner nor a holder of "
                    + pointer.tesseraHash());
        }
        return Optional.empty();
    }

    /** Why {@code page} cannot be kept, or empty when it can: the owner's id derives from its key, and it signed. */
    default Optional<String> catalogueFault(CataloguePage page) {
        if (!verifyPow(page.owner(), page.ownerKey(), page.ownerNonce())) {
            return Optional.of("its owner " + page.owner() + " does not derive from the owner key and nonce with the"
                    + " required proof-of-work");
        }
        if (!verifySignature(page.ownerKey(), page.signedPayload(), page.signature())) {
            return Optional.of("its signature does not verify with the owner's key");
        }
        return Optional.empty();
    }
}
