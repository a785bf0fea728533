package org.tesseras.api.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One publisher's signed word on where a tessera's fragments are: the owner-signed manifest, the holders the
 * publisher knows of (itself first when it holds fragments), when it said so, and its Ed25519 signature. The
 * DHT keeps one per publisher and tessera; only the owner or a holder may publish one (a publisher that is not
 * the manifest's owner must list itself with fragments), so a stranger can neither forge nor replace another's.
 */
public record TesseraPointer(TesseraManifest manifest, NodeId publisher, byte[] publisherKey, long publisherNonce,
        List<Holder> holders, long publishedAtMillis, byte[] signature) {
    /** Ed25519 signature length in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final byte[] DOMAIN = "tesseras-pointer-v1".getBytes(StandardCharsets.US_ASCII);

    public TesseraPointer {
        Objects.requireNonNull(manifest, "manifest");
        ContentHash hash = manifest.tesseraHash();
        Objects.requireNonNull(publisher, "publisher of " + hash);
        publisherKey = Hex.checkLength(publisherKey, NodeInfo.PUBLIC_KEY_LENGTH, "key of the publisher of " + hash);
        holders = List.copyOf(Objects.requireNonNull(holders, "holders of " + hash));
        for (Holder holder : holders) {
            for (int index : holder.indices()) {
                manifest.plan().checkIndex(index);
            }
        }
        if (publishedAtMillis < 0) {
            throw new IllegalArgumentException("the pointer of " + hash + " was published before 1970");
        }
        signature = Hex.checkLength(signature, SIGNATURE_LENGTH, "signature of the pointer of " + hash);
    }

    /** The tessera this pointer names. */
    public ContentHash tesseraHash() {
        return manifest.tesseraHash();
    }

    /** The plan of the tessera, from its manifest. */
    public FragmentPlan plan() {
        return manifest.plan();
    }

    /** Whether the tessera's owner published it. */
    public boolean byOwner() {
        return publisher.equals(manifest.owner());
    }

    /** What the publisher says it holds itself, if it lists itself with fragments. */
    public Optional<Holder> publisherAsHolder() {
        return holders.stream().filter(h -> h.node().equals(publisher) && !h.indices().isEmpty()).findFirst();
    }

    /** Whether the publisher may publish it at all: the owner, or a holder listing its own fragments. */
    public boolean publisherEntitled() {
        return byOwner() || publisherAsHolder().isPresent();
    }

    /**
     * The canonical bytes the publisher signs: the tessera and its manifest's signature (which binds the whole
     * manifest), the publisher, every holder, and the time.
     */
    public static byte[] signedPayload(TesseraManifest manifest, NodeId publisher, byte[] publisherKey,
            long publisherNonce, List<Holder> holders, long publishedAtMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + holders.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(DOMAIN);
            out.write(manifest.tesseraHash().bytes());
            out.write(manifest.signature());
            out.write(publisher.bytes());
            out.write(publisherKey);
            out.writeLong(publisherNonce);
            out.writeInt(holders.size());
            for (Holder holder : holders) {
                out.write(holder.node().bytes());
                InetSocketAddress address = holder.address();
                out.writeUTF(address.getAddress() != null ? address.getAddress().getHostAddress()
                        : address.getHostString());
                out.writeShort(address.getPort());
                out.writeInt(holder.indices().size());
                for (int index : holder.indices()) {
                    out.writeShort(index);
                }
            }
            out.writeLong(publishedAtMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes {@link #signature()} must verify against, with {@link #publisherKey()}. */
    public byte[] signedPayload() {
        return signedPayload(manifest, publisher, publisherKey, publisherNonce, holders, publishedAtMillis);
    }

    @Override
    public byte[] publisherKey() {
        return publisherKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TesseraPointer p && manifest.equals(p.manifest) && publisher.equals(p.publisher)
                && Arrays.equals(publisherKey, p.publisherKey) && publisherNonce == p.publisherNonce
                && holders.equals(p.holders) && publishedAtMillis == p.publishedAtMillis
                && Arrays.equals(signature, p.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(manifest, publisher, holders, publishedAtMillis) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "TesseraPointer[" + tesseraHash().hex().substring(0, 8) + " by " + publisher.shortHex() + (byOwner() ? " (owner)"
                : "") + ", " + holders.size() + " holders, at " + publishedAtMillis + "]";
    }
}
