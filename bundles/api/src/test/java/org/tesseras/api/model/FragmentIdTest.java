package org.tesseras.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class FragmentIdTest {
    static final ContentHash HASH = new ContentHash(new byte[32]);
    static final ContentHash SUM = ContentHash.of("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f");

    @Test
    void indexMustLieInTheStripe() {
        assertEquals(23, new FragmentId(HASH, 23, 24, SUM).index());
        assertThrows(IllegalArgumentException.class, () -> new FragmentId(HASH, 24, 24, SUM));
        assertThrows(IllegalArgumentException.class, () -> new FragmentId(HASH, -1, 24, SUM));
        assertThrows(IllegalArgumentException.class, () -> new FragmentId(HASH, 0, 0, SUM));
        assertThrows(IllegalArgumentException.class, () -> new FragmentId(HASH, 0, 257, SUM));
        assertThrows(NullPointerException.class, () -> new FragmentId(HASH, 0, 24, null));
    }

    @Test
    void envelopeMustMatchItsPlan() throws IOException {
        FragmentPlan plan = FragmentPlan.of(HASH, 100, FragmentationTier.MEDIUM, 16, 8, 7);
        TesseraManifest manifest = TestManifests.unsigned(plan);
        FragmentId id = new FragmentId(HASH, 16, 24, SUM);
        FragmentEnvelope envelope = new FragmentEnvelope(id, manifest, FragmentSource.ofBytes(new byte[7]));
        assertEquals(7, envelope.length());
        assertTrue(envelope.isParity());
        assertEquals(7, envelope.content().open().readAllBytes().length);
        assertFalse(envelope.matchesManifest(), "a checksum the manifest does not give is only a claim");
        assertTrue(FragmentEnvelope.of(manifest, 16, FragmentSource.ofBytes(new byte[7])).matchesManifest());

        FragmentId otherStripe = new FragmentId(HASH, 1, 6, SUM);
        assertThrows(IllegalArgumentException.class,
                () -> new FragmentEnvelope(otherStripe, manifest, FragmentSource.ofBytes(new byte[7])));
        FragmentId otherTessera = new FragmentId(SUM, 1, 24, SUM);
        assertFalse(otherTessera.belongsTo(plan));
        assertThrows(IllegalArgumentException.class,
                () -> new FragmentEnvelope(otherTessera, manifest, FragmentSource.ofBytes(new byte[7])));
    }
}
