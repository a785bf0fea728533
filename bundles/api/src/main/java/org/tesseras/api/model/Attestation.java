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
 * A holder's signed statement that it holds fragments of a tessera now: for each fragment its stored
 * checksum and a proof {@code BLAKE3-keyed(nonce, fragment bytes)} that only the bytes can produce,
 * signed with the holder's Ed25519 key over {@link #signedPayload()}.
 */
public record Attestation(ContentHash tesseraHash, byte[] nonce, List<Entry> entries, long timestampMillis,
        NodeId holder, byte[] signature) {
    /** Challenge nonce length in bytes (a BLAKE3 key). */
    public static final int NONCE_LENGTH = 32;
    /** Ed25519 signature length in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final byte[] DOMAIN = "tesseras-attestation-v1".getBytes(StandardCharsets.US_ASCII);

    public Attestation {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        nonce = Hex.checkLength(nonce, NONCE_LENGTH, "attestation nonce for " + tesseraHash);
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        Objects.requireNonNull(holder, "holder of attestation for " + tesseraHash);
        signature = Hex.checkLength(signature, SIGNATURE_LENGTH, "signature of " + holder + " for " + tesseraHash);
    }

    /** One attested fragment. */
    public record Entry(int index, ContentHash checksum, byte[] proof) {
        public Entry {
            if (index < 0 || index >= FragmentPlan.MAX_TOTAL_SHARDS) {
                throw new IllegalArgumentException("attested fragment index must be 0.."
                        + (FragmentPlan.MAX_TOTAL_SHARDS - 1) + ", got " + index);
            }
            Objects.requireNonNull(checksum, "checksum of attested fragment " + index);
            proof = Hex.checkLength(proof, ContentHash.LENGTH, "proof of attested fragment " + index);
        }

        @Override
        public byte[] proof() {
            return proof.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Entry that && index == that.index && checksum.equals(that.checksum)
                    && Arrays.equals(proof, that.proof);
        }

        @Override
        public int hashCode() {
            return Objects.hash(index, checksum, Arrays.hashCode(proof));
        }
    }

    /** The canonical bytes a holder signs: every field but the signature, in a fixed layout. */
    public static byte[] signedPayload(ContentHash tesseraHash, byte[] nonce, List<Entry> entries,
            long timestampMillis, NodeId holder) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + entries.size() * 68);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(DOMAIN);
            out.write(tesseraHash.bytes());
            out.write(nonce);
            out.writeInt(entries.size());
            for (Entry entry : entries) {
                out.writeShort(entry.index());
                out.write(entry.checksum().bytes());
                out.write(entry.proof());
            }
            out.writeLong(timestampMillis);
            out.write(holder.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes {@link #signature()} must verify against. */
    public byte[] signedPayload() {
        return signedPayload(tesseraHash, nonce, entries, timestampMillis, holder);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Attestation that && tesseraHash.equals(that.tesseraHash)
                && Arrays.equals(nonce, that.nonce) && entries.equals(that.entries)
                && timestampMillis == that.timestampMillis && holder.equals(that.holder)
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tesseraHash, Arrays.hashCode(nonce), entries, timestampMillis, holder);
    }

    @Override
    public String toString() {
        return "Attestation[" + tesseraHash + " by " + holder.shortHex() + ", " + entries.size() + " fragments]";
    }
}
