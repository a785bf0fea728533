package org.tesseras.api.port;

import java.nio.file.Path;
import java.security.PrivateKey;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.NodeId;

/** This node's own identity: an Ed25519 key pair and the proof-of-work nonce its NodeId derives from. */
@ProviderType
public interface NodeIdentity {

    /** {@code BLAKE3(publicKey || nonce as u64 LE)[0..20]}. */
    NodeId nodeId();

    /** The raw 32-byte Ed25519 public key. */
    byte[] publicKey();

    /** The proof-of-work nonce. */
    long nonce();

    /** Leading zero bits of the NodeId: the proof-of-work actually met. */
    default int powBits() {
        return nodeId().leadingZeroBits();
    }

    /** The private key, for the transport's TLS handshake only. */
    PrivateKey privateKey();

    /** Ed25519 signature of {@code message} (64 bytes). */
    byte[] sign(byte[] message);

    /** Where the key is kept. */
    Path keyFile();
}
