package org.tesseras.api.port;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;

/** This node's own identity: an Ed25519 key pair, its NodeId and the proof-of-work nonce that makes the NodeId valid. */
@ProviderType
public interface NodeIdentity {

    /** {@code BLAKE3(publicKey)[0..20]}: one NodeId per key. */
    NodeId nodeId();

    /** The raw 32-byte Ed25519 public key. */
    byte[] publicKey();

    /** The proof-of-work nonce. */
    long nonce();

    /** Leading zero bits of {@code BLAKE3(publicKey || nonce as u64 LE)}: the proof-of-work actually met. */
    int powBits();

    /** The private key, for the transport's TLS handshake only. */
    PrivateKey privateKey();

    /** Ed25519 signature of {@code message} (64 bytes). */
    byte[] sign(byte[] message);

    /** Where the key is kept. */
    Path keyFile();

    /** The manifest of a tessera this node cut, signed by this node as its owner. */
    default TesseraManifest signManifest(FragmentPlan plan, String codecId, List<ContentHash> fragmentChecksums,
            long createdAtMillis) {
        byte[] payload = TesseraManifest.signedPayload(plan, codecId, fragmentChecksums, nodeId(), publicKey(),
                nonce(), createdAtMillis);
        return new TesseraManifest(plan, codecId, fragmentChecksums, nodeId(), publicKey(), nonce(), createdAtMillis,
                sign(payload));
    }

    /** This node's signed word on who holds fragments of a tessera, {@code holders} as it knows them. */
    default TesseraPointer signPointer(TesseraManifest manifest, List<Holder> holders, long publishedAtMillis) {
        byte[] payload = TesseraPointer.signedPayload(manifest, nodeId(), publicKey(), nonce(), holders,
                publishedAtMillis);
        return new TesseraPointer(manifest, nodeId(), publicKey(), nonce(), holders, publishedAtMillis, sign(payload));
    }

    /** Page {@code page} of {@code pageCount} of this node's catalogue of the tesseras it owns, signed. */
    default CataloguePage signCataloguePage(int page, int pageCount, List<ContentHash> tesseras,
            long publishedAtMillis) {
        byte[] payload = CataloguePage.signedPayload(nodeId(), publicKey(), nonce(), page, pageCount, tesseras,
                publishedAtMillis);
        return new CataloguePage(nodeId(), publicKey(), nonce(), page, pageCount, tesseras, publishedAtMillis,
                sign(payload));
    }
}
