package org.tesseras.api.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class TesseraManifestTest {
    static final ContentHash HASH = ContentHash.of("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f");
    static final FragmentPlan MEDIUM = FragmentPlan.of(HASH, 10_000_000, FragmentationTier.MEDIUM, 16, 8, 7);

    @Test
    void encodesAndDecodesToTheSameManifest() {
        TesseraManifest manifest = TestManifests.unsigned(MEDIUM);
        byte[] encoded = manifest.encode();
        TesseraManifest decoded = TesseraManifest.decode(encoded);
        assertEquals(manifest, decoded);
        assertArrayEquals(encoded, decoded.encode());
        assertEquals(24, decoded.fragmentChecksums().size());
        assertEquals(manifest.checksum(17), decoded.fragmentId(17).checksum());
        assertEquals(encoded.length - TesseraManifest.SIGNATURE_LENGTH, manifest.signedPayload().length);
    }

    @Test
    void theSignedPayloadCoversEveryFieldButTheSignature() {
        TesseraManifest base = TestManifests.unsigned(MEDIUM);
        byte[] payload = base.signedPayload();
        List<TesseraManifest> variants = new ArrayList<>();
        variants.add(TestManifests.withChecksum(base, 3, HASH));
        variants.add(new TesseraManifest(FragmentPlan.of(HASH, 10_000_000, FragmentationTier.MEDIUM, 16, 8, 5), "reed-solomon-gf256/1",
                base.fragmentChecksums(), base.owner(), base.ownerPublicKey(), 0, base.createdAtMillis(), base.signature()));
        variants.add(new TesseraManifest(base.plan(), "other-codec/1", base.fragmentChecksums(), base.owner(),
                base.ownerPublicKey(), 0, base.createdAtMillis(), base.signature()));
        variants.add(new TesseraManifest(base.plan(), base.codecId(), base.fragmentChecksums(), new NodeId(new byte[20]),
                base.ownerPublicKey(), 0, base.createdAtMillis(), base.signature()));
        variants.add(new TesseraManifest(base.plan(), base.codecId(), base.fragmentChecksums(), base.owner(),
                new byte[32], 0, base.createdAtMillis(), base.signature()));
        variants.add(new TesseraManifest(base.plan(), base.codecId(), base.fragmentChecksums(), base.owner(),
                base.ownerPublicKey(), 1, base.createdAtMillis(), base.signature()));
        variants.add(new TesseraManifest(base.plan(), base.codecId(), base.fragmentChecksums(), base.owner(),
                base.ownerPublicKey(), 0, base.createdAtMillis() + 1, base.signature()));
        for (TesseraManifest variant : variants) {
            assertFalse(Arrays.equals(payload, variant.signedPayload()), "payload must change with " + variant);
        }
        byte[] otherSignature = new byte[64];
        otherSignature[0] = 1;
        TesseraManifest resigned = new TesseraManifest(base.plan(), base.codecId(), base.fragmentChecksums(),
                base.owner(), base.ownerPublicKey(), 0, base.createdAtMillis(), otherSignature);
        assertArrayEquals(payload, resigned.signedPayload());
        assertNotEquals(base, resigned);
        assertTrue(base.sameFragmentsAs(resigned));
        assertFalse(base.sameFragmentsAs(variants.get(0)));
    }

    @Test
    void damagedBytesAreRefusedWithTheReason() {
        byte[] encoded = TestManifests.unsigned(MEDIUM).encode();
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> TesseraManifest.decode(Arrays.copyOf(encoded, encoded.length - 1)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        IllegalArgumentException trailing = assertThrows(IllegalArgumentException.class,
                () -> TesseraManifest.decode(Arrays.copyOf(encoded, encoded.length + 3)));
        assertTrue(trailing.getMessage().contains("after its signature"), trailing.getMessage());
        byte[] otherVersion = encoded.clone();
        otherVersion[19] = '2';
        assertThrows(IllegalArgumentException.class, () -> TesseraManifest.decode(otherVersion));
        byte[] badTier = encoded.clone();
        badTier[20 + 32 + 8] = 9;
        IllegalArgumentException tier = assertThrows(IllegalArgumentException.class,
                () -> TesseraManifest.decode(badTier));
        assertTrue(tier.getMessage().contains("tier"), tier.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TesseraManifest.decode(new byte[0]));
    }

    @Test
    void aManifestMustNameOneChecksumPerShardAndAWholeCopyItsOwnHash() {
        TesseraManifest base = TestManifests.unsigned(MEDIUM);
        List<ContentHash> tooFew = base.fragmentChecksums().subList(0, 23);
        assertThrows(IllegalArgumentException.class, () -> TestManifests.unsigned(MEDIUM, tooFew));
        FragmentPlan small = FragmentPlan.of(HASH, 1000, FragmentationTier.SMALL, 1, 0, 7);
        assertEquals(HASH, TestManifests.unsigned(small).checksum(0));
        IllegalArgumentException notItsHash = assertThrows(IllegalArgumentException.class,
                () -> TestManifests.unsigned(small, List.of(new ContentHash(new byte[32]))));
        assertTrue(notItsHash.getMessage().contains("not the tessera's hash"), notItsHash.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TesseraManifest(MEDIUM, "Upper/1",
                base.fragmentChecksums(), base.owner(), base.ownerPublicKey(), 0, 0, base.signature()));
        assertThrows(IllegalArgumentException.class, () -> new TesseraManifest(MEDIUM, "", base.fragmentChecksums(),
                base.owner(), base.ownerPublicKey(), 0, 0, base.signature()));
        assertThrows(IllegalArgumentException.class, () -> new TesseraManifest(MEDIUM, base.codecId(),
                base.fragmentChecksums(), base.owner(), base.ownerPublicKey(), 0, 0, new byte[63]));
        assertThrows(IllegalArgumentException.class, () -> base.checksum(24));
    }
}
