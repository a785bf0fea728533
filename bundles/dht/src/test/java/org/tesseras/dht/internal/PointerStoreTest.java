package org.tesseras.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.model.TestManifests;

class PointerStoreTest {
    private static final NodeId SELF = new NodeId(new byte[NodeId.LENGTH]);

    @Test
    void newerPointerWinsAndTheSamePointerExtendsItsLife() {
        PointerStore store = new PointerStore(SELF, 10);
        ContentHash hash = hash(0x10);
        TesseraPointer older = pointer(hash, 100);
        TesseraPointer newer = pointer(hash, 200);

        assertEquals(PointerStore.Outcome.STORED, store.put(older, 0, 1000));
        assertEquals(PointerStore.Outcome.STORED, store.put(newer, 10, 1000));
        assertEquals(PointerStore.Outcome.NEWER_KEPT, store.put(older, 20, 5000));
        assertEquals(Optional.of(newer), store.get(hash, 999));
        assertEquals(Optional.empty(), store.get(hash, 1000), "expired at its expiry time");

        assertEquals(PointerStore.Outcome.STORED, store.put(newer, 1500, 2500));
        assertEquals(PointerStore.Outcome.STORED, store.put(newer, 1600, 2000));
        assertEquals(Optional.of(newer), store.get(hash, 2400), "a republish never shortens a pointer's life");
    }

    @Test
    void expiredPointersAreSweptAndReplaceable() {
        PointerStore store = new PointerStore(SELF, 10);
        store.put(pointer(hash(1), 100), 0, 1000);
        store.put(pointer(hash(2), 100), 0, 3000);

        assertEquals(1, store.sweep(1000));
        assertEquals(1, store.size());
        assertEquals(PointerStore.Outcome.STORED, store.put(pointer(hash(1), 50), 1000, 4000),
                "an expired newer pointer no longer blocks an older one");
    }

    @Test
    void fullStoreGivesWayOnlyToNearerKeys() {
        PointerStore store = new PointerStore(SELF, 2);
        store.put(pointer(hash(0x40), 1), 0, 1000);
        store.put(pointer(hash(0x20), 1), 0, 1000);

        assertEquals(PointerStore.Outcome.FULL, store.put(pointer(hash(0x80), 1), 0, 1000));
        assertEquals(PointerStore.Outcome.STORED, store.put(pointer(hash(0x01), 1), 0, 1000));
        assertEquals(2, store.size());
        assertTrue(store.get(hash(0x40), 0).isEmpty(), "the farthest key made room");
        assertTrue(store.get(hash(0x20), 0).isPresent());
    }

    private static ContentHash hash(int firstByte) {
        byte[] bytes = new byte[ContentHash.LENGTH];
        bytes[0] = (byte) firstByte;
        bytes[31] = 1;
        return new ContentHash(bytes);
    }

    private static TesseraPointer pointer(ContentHash hash, long publishedAtMillis) {
        FragmentPlan plan = FragmentPlan.of(hash, 10, FragmentationTier.SMALL, 1, 0, 7);
        return new TesseraPointer(TestManifests.unsigned(plan), SELF, List.of(), publishedAtMillis);
    }
}
