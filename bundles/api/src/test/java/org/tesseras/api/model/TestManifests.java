package org.tesseras.api.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Manifests for tests that do not check signatures (transport, DHT, stores): the fields are right, the
 * signature is zeros. Tests that check trust sign real manifests with a node identity instead.
 */
public final class TestManifests {
    /** The codec id the Reed-Solomon coder reports. */
    public static final String CODEC = "reed-solomon-gf256/1";
    /** A well-formed owner id that no key derives. */
    public static final NodeId OWNER = new NodeId(filled(NodeId.LENGTH, 0x0e));

    private TestManifests() {
    }

    /** A manifest of {@code plan} with the given fragment checksums and a signature of zeros. */
    public static TesseraManifest unsigned(FragmentPlan plan, List<ContentHash> checksums) {
        return new TesseraManifest(plan, CODEC, checksums, OWNER, filled(NodeInfo.PUBLIC_KEY_LENGTH, 0x0c), 0L,
                1_700_000_000_000L, new byte[TesseraManifest.SIGNATURE_LENGTH]);
    }

    /** A pointer with a made-up key and signature, for tests where nothing is verified. */
    public static TesseraPointer unsignedPointer(TesseraManifest manifest, NodeId publisher, List<Holder> holders,
            long publishedAtMillis) {
        return new TesseraPointer(manifest, publisher, filled(NodeInfo.PUBLIC_KEY_LENGTH, 0x0d), 0L, holders,
                publishedAtMillis, new byte[TesseraPointer.SIGNATURE_LENGTH]);
    }

    /**
     * A manifest of {@code plan} with made-up checksums (the tessera hash itself for a whole copy), for tests
     * where no bytes are checked against it.
     */
    public static TesseraManifest unsigned(FragmentPlan plan) {
        if (!plan.tier().isErasureCoded()) {
            return unsigned(plan, List.of(plan.tesseraHash()));
        }
        List<ContentHash> checksums = new ArrayList<>();
        for (int index = 0; index < plan.totalShards(); index++) {
            byte[] bytes = plan.tesseraHash().bytes();
            bytes[0] ^= (byte) (index + 1);
            checksums.add(new ContentHash(bytes));
        }
        return unsigned(plan, checksums);
    }

    /** The same manifest with checksum {@code index} replaced. */
    public static TesseraManifest withChecksum(TesseraManifest manifest, int index, ContentHash checksum) {
        List<ContentHash> checksums = new ArrayList<>(manifest.fragmentChecksums());
        checksums.set(index, checksum);
        return new TesseraManifest(manifest.plan(), manifest.codecId(), checksums, manifest.owner(),
                manifest.ownerPublicKey(), manifest.ownerNonce(), manifest.createdAtMillis(), manifest.signature());
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
