package org.tesseras.api.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One page of an owner's catalogue: the hashes of tesseras it owns, signed by it, kept by the nodes closest to its
 * NodeId and republished by them, so an owner who restores its identity key on a fresh node finds every tessera
 * it had. Page {@code page} of {@code pageCount}; at most {@link #MAX_TESSERAS} hashes each.
 */
public record CataloguePage(NodeId owner, byte[] ownerKey, long ownerNonce, int page, int pageCount,
        List<ContentHash> tesseras, long publishedAtMillis, byte[] signature) {
    /** Most tessera hashes on one page (a page stays far below the 64 KiB message cap). */
    public static final int MAX_TESSERAS = 1000;
    /** Ed25519 signature length in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final byte[] DOMAIN = "tesseras-catalogue-v1".getBytes(StandardCharsets.US_ASCII);

    public CataloguePage {
        Objects.requireNonNull(owner, "owner");
        ownerKey = Hex.checkLength(ownerKey, NodeInfo.PUBLIC_KEY_LENGTH, "key of catalogue owner " + owner);
        if (pageCount < 1 || page < 0 || page >= pageCount) {
            throw new IllegalArgumentException("catalogue page " + page + " of " + pageCount + " of " + owner);
        }
        tesseras = List.copyOf(Objects.requireNonNull(tesseras, "tesseras of catalogue " + owner));
        if (tesseras.size() > MAX_TESSERAS) {
            throw new IllegalArgumentException("catalogue page of " + owner + " lists " + tesseras.size()
                    + " tesseras, more than " + MAX_TESSERAS);
        }
        if (publishedAtMillis < 0) {
            throw new IllegalArgumentException("catalogue page of " + owner + " published before 1970");
        }
        signature = Hex.checkLength(signature, SIGNATURE_LENGTH, "signature of catalogue page of " + owner);
    }

    /** The canonical bytes the owner signs: every field but the signature. */
    public static byte[] signedPayload(NodeId owner, byte[] ownerKey, long ownerNonce, int page, int pageCount,
            List<ContentHash> tesseras, long publishedAtMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + tesseras.size() * ContentHash.LENGTH);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(DOMAIN);
            out.write(owner.bytes());
            out.write(ownerKey);
            out.writeLong(ownerNonce);
            out.writeInt(page);
            out.writeInt(pageCount);
            out.writeInt(tesseras.size());
            for (ContentHash hash : tesseras) {
                out.write(hash.bytes());
            }
            out.writeLong(publishedAtMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes {@link #signature()} must verify against, with {@link #ownerKey()}. */
    public byte[] signedPayload() {
        return signedPayload(owner, ownerKey, ownerNonce, page, pageCount, tesseras, publishedAtMillis);
    }

    @Override
    public byte[] ownerKey() {
        return ownerKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CataloguePage p && owner.equals(p.owner) && Arrays.equals(ownerKey, p.ownerKey)
                && ownerNonce == p.ownerNonce && page == p.page && pageCount == p.pageCount
                && tesseras.equals(p.tesseras) && publishedAtMillis == p.publishedAtMillis
                && Arrays.equals(signature, p.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, page, pageCount, tesseras, publishedAtMillis) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "CataloguePage[" + owner.shortHex() + " " + (page + 1) + "/" + pageCount + ", " + tesseras.size()
                + " tesseras, at " + publishedAtMillis + "]";
    }
}
