package org.tesseras.api.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The owner's signed description of a tessera: its plan, the codec that cut it, the BLAKE3 checksum of
 * every fragment, who owns it and when it was made. Every holder keeps it beside the shards; readers,
 * repairers and health checks verify fragments against it, never against what a holder says.
 *
 * <p>{@link #encode()} is the one byte form (on the wire, in files and in the index): the
 * {@linkplain #signedPayload() signed payload} followed by the 64-byte Ed25519 signature.
 */
public record TesseraManifest(FragmentPlan plan, String codecId, List<ContentHash> fragmentChecksums, NodeId owner,
        byte[] ownerPublicKey, long ownerNonce, long createdAtMillis, byte[] signature) {
    /** Ed25519 signature length in bytes. */
    public static final int SIGNATURE_LENGTH = 64;
    /** Longest codec id, in characters. */
    public static final int MAX_CODEC_ID_LENGTH = 64;

    private static final byte[] DOMAIN = "tesseras-manifest-v1".getBytes(StandardCharsets.US_ASCII);

    public TesseraManifest {
        Objects.requireNonNull(plan, "plan");
        ContentHash hash = plan.tesseraHash();
        checkCodecId(codecId, hash);
        fragmentChecksums = List.copyOf(Objects.requireNonNull(fragmentChecksums, "fragment checksums of " + hash));
        if (fragmentChecksums.size() != plan.totalShards()) {
            throw new IllegalArgumentException("the manifest of " + hash + " lists " + fragmentChecksums.size()
                    + " fragment checksums for a plan of " + plan.totalShards() + " shards");
        }
        if (!plan.tier().isErasureCoded() && !fragmentChecksums.get(0).equals(hash)) {
            throw new IllegalArgumentException("the manifest of " + hash + " is a whole copy whose checksum "
                    + fragmentChecksums.get(0) + " is not the tessera's hash");
        }
        Objects.requireNonNull(owner, "owner of " + hash);
        ownerPublicKey = Hex.checkLength(ownerPublicKey, NodeInfo.PUBLIC_KEY_LENGTH, "owner key of " + hash);
        if (createdAtMillis < 0) {
            throw new IllegalArgumentException("the manifest of " + hash + " was made before 1970: " + createdAtMillis);
        }
        signature = Hex.checkLength(signature, SIGNATURE_LENGTH, "signature of the manifest of " + hash);
    }

    /**
     * The canonical bytes the owner signs: every field but the signature, in a fixed layout that also
     * names its version, so a manifest of another kind can never verify as this one.
     */
    public static byte[] signedPayload(FragmentPlan plan, String codecId, List<ContentHash> fragmentChecksums,
            NodeId owner, byte[] ownerPublicKey, long ownerNonce, long createdAtMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160 + fragmentChecksums.size() * ContentHash.LENGTH);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writePayload(out, plan, codecId, fragmentChecksums, owner, ownerPublicKey, ownerNonce, createdAtMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes {@link #signature()} must verify against, with {@link #ownerPublicKey()}. */
    public byte[] signedPayload() {
        return signedPayload(plan, codecId, fragmentChecksums, owner, ownerPublicKey, ownerNonce, createdAtMillis);
    }

    /** The signed payload followed by the signature: what is stored and sent. */
    public byte[] encode() {
        byte[] payload = signedPayload();
        byte[] encoded = Arrays.copyOf(payload, payload.length + SIGNATURE_LENGTH);
        System.arraycopy(signature, 0, encoded, payload.length, SIGNATURE_LENGTH);
        return encoded;
    }

    /**
     * Reads the form {@link #encode()} writes; anything else (another version, truncated, trailing
     * bytes, values out of range) throws {@link IllegalArgumentException} saying what was wrong. The
     * signature is NOT checked here: that needs the node's identity verifier.
     */
    public static TesseraManifest decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded manifest");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte[] domain = in.readNBytes(DOMAIN.length);
            if (!Arrays.equals(domain, DOMAIN)) {
                throw new IllegalArgumentException("not a tessera manifest (version 1): it starts with "
                        + new String(domain, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?"));
            }
            ContentHash hash = new ContentHash(readExactly(in, ContentHash.LENGTH));
            long size = in.readLong();
            FragmentationTier tier = tierOf(in.readUnsignedByte());
            int data = in.readUnsignedShort();
            int parity = in.readUnsignedShort();
            long shardSize = in.readLong();
            int replication = in.readUnsignedShort();
            FragmentPlan plan = new FragmentPlan(hash, size, tier, data, parity, shardSize, replication);
            String codec = new String(readExactly(in, in.readUnsignedShort()), StandardCharsets.UTF_8);
            int count = in.readUnsignedShort();
            ContentHash[] checksums = new ContentHash[count];
            for (int i = 0; i < count; i++) {
                checksums[i] = new ContentHash(readExactly(in, ContentHash.LENGTH));
            }
            NodeId owner = new NodeId(readExactly(in, NodeId.LENGTH));
            byte[] key = readExactly(in, NodeInfo.PUBLIC_KEY_LENGTH);
            long nonce = in.readLong();
            long createdAt = in.readLong();
            byte[] signature = readExactly(in, SIGNATURE_LENGTH);
            if (in.available() > 0) {
                throw new IllegalArgumentException("the manifest of " + hash + " has " + in.available()
                        + " bytes after its signature");
            }
            return new TesseraManifest(plan, codec, List.of(checksums), owner, key, nonce, createdAt, signature);
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException("the manifest is truncated (" + encoded.length + " bytes)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tessera this manifest describes. */
    public ContentHash tesseraHash() {
        return plan.tesseraHash();
    }

    /** The checksum fragment {@code index} must have. */
    public ContentHash checksum(int index) {
        return fragmentChecksums.get(plan.checkIndex(index));
    }

    /** The id of fragment {@code index}, with the checksum this manifest gives it. */
    public FragmentId fragmentId(int index) {
        return new FragmentId(tesseraHash(), index, plan.totalShards(), checksum(index));
    }

    /** Whether {@code other} describes the very same fragments (same plan, codec and checksums), whoever signed it. */
    public boolean sameFragmentsAs(TesseraManifest other) {
        return plan.equals(other.plan) && codecId.equals(other.codecId)
                && fragmentChecksums.equals(other.fragmentChecksums);
    }

    @Override
    public byte[] ownerPublicKey() {
        return ownerPublicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TesseraManifest that && plan.equals(that.plan) && codecId.equals(that.codecId)
                && fragmentChecksums.equals(that.fragmentChecksums) && owner.equals(that.owner)
                && Arrays.equals(ownerPublicKey, that.ownerPublicKey) && ownerNonce == that.ownerNonce
                && createdAtMillis == that.createdAtMillis && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(plan, codecId, fragmentChecksums, owner, ownerNonce, createdAtMillis,
                Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "Manifest[" + tesseraHash() + " " + plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards()
                + " " + codecId + ", owner " + owner.shortHex() + "]";
    }

    private static void writePayload(DataOutputStream out, FragmentPlan plan, String codecId,
            List<ContentHash> checksums, NodeId owner, byte[] ownerPublicKey, long ownerNonce, long createdAtMillis)
            throws IOException {
        out.write(DOMAIN);
        out.write(plan.tesseraHash().bytes());
        out.writeLong(plan.tesseraSize());
        out.writeByte(tierCode(plan.tier()));
        out.writeShort(plan.dataShards());
        out.writeShort(plan.parityShards());
        out.writeLong(plan.shardSize());
        out.writeShort(plan.replicationFactor());
        byte[] codec = codecId.getBytes(StandardCharsets.UTF_8);
        out.writeShort(codec.length);
        out.write(codec);
        out.writeShort(checksums.size());
        for (ContentHash checksum : checksums) {
            out.write(checksum.bytes());
        }
        out.write(owner.bytes());
        out.write(ownerPublicKey);
        out.writeLong(ownerNonce);
        out.writeLong(createdAtMillis);
    }

    private static void checkCodecId(String codecId, ContentHash hash) {
        if (codecId == null || codecId.isEmpty() || codecId.length() > MAX_CODEC_ID_LENGTH
                || !codecId.matches("[a-z0-9][a-z0-9./-]*")) {
            throw new IllegalArgumentException("codec id of " + hash + " must be 1-" + MAX_CODEC_ID_LENGTH
                    + " characters of a-z, 0-9, '.', '/' and '-', got '" + codecId + "'");
        }
    }

    private static int tierCode(FragmentationTier tier) {
        return switch (tier) {
            case SMALL -> 1;
            case MEDIUM -> 2;
            case LARGE -> 3;
        };
    }

    private static FragmentationTier tierOf(int code) {
        return switch (code) {
            case 1 -> FragmentationTier.SMALL;
            case 2 -> FragmentationTier.MEDIUM;
            case 3 -> FragmentationTier.LARGE;
            default -> throw new IllegalArgumentException("unknown tier code " + code + " in a manifest");
        };
    }

    private static byte[] readExactly(DataInputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
