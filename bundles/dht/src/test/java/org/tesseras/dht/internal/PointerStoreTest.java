package org.tesseras.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.model.TestManifests;

/** What a node keeps of the pointers handed to it (verification happens before, in the responder). */
class PointerStoreTest {
    private static final NodeId SELF = new NodeId(new byte[NodeId.LENGTH]);
    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 7000);

    @Test
    void aPublishersNewerPointerReplacesOnlyItsOwnAndTheSamePointerExtendsItsLife() {
        PointerStore store = new PointerStore(SELF, 10, 10);
        ContentHash hash = hash(0x10);
        NodeId holder = id(0x0a);
        TesseraPointer older = byOwner(hash, 100);
        TesseraPointer newer = byOwner(hash, 200);
        TesseraPointer holders = byHolder(hash, holder, 300);

        assertEquals(PointerStore.Outcome.STORED, store.put(older, 0, 1000));
        assertEquals(PointerStore.Outcome.STORED, store.put(newer, 10, 1000));
        assertEquals(PointerStore.Outcome.STORED, store.put(holders, 10, 1000));
        assertEquals(PointerStore.Outcome.NEWER_KEPT, store.put(older, 20, 5000));
        assertEquals(List.of(newer, holders), store.get(hash, 999), "the holder's newer word did not replace the"
                + " owner's; the owner's comes first");
        assertEquals(List.of(), store.get(hash, 1000), "expired at its expiry time");

        assertEquals(PointerStore.Outcome.STORED, store.put(newer, 1500, 2500));
        assertEquals(PointerStore.Outcome.STORED, store.put(newer, 1600, 2000));
        assertEquals(List.of(newer), store.get(hash, 2400), "a republish never shortens a pointer's life");
    }

    @Test
    void expiredPointersAreSweptAndReplaceable() {
        PointerStore store = new PointerStore(SELF, 10, 10);
        store.put(byOwner(hash(1), 100), 0, 1000);
        store.put(byOwner(hash(2), 100), 0, 3000);

        assertEquals(1, store.sweep(1000));
        assertEquals(1, store.size());
        assertEquals(PointerStore.Outcome.STORED, store.put(byOwner(hash(1), 50), 1000, 4000),
                "an expired newer pointer no longer blocks an older one");
    }

    @Test
    void aFullTesseraTakesAStrongerPointerOnlyAndNeverGivesUpTheOwners() {
        PointerStore store = new PointerStore(SELF, 100, 3);
        ContentHash hash = hash(0x20);
        NodeId vouched = id(0x0b);
        TesseraPointer owner = pointer(hash, TestManifests.OWNER, List.of(new Holder(vouched, ADDRESS, List.of(0))),
                10);
        store.put(owner, 0, 1000);
        store.put(byHolder(hash, id(0x31), 20), 0, 1000);
        store.put(byHolder(hash, id(0x32), 30), 0, 1000);

        assertEquals(PointerStore.Outcome.FULL, store.put(byHolder(hash, id(0x33), 40), 0, 1000),
                "an unvouched stranger does not push out another");
        assertEquals(PointerStore.Outcome.STORED, store.put(byHolder(hash, vouched, 5), 0, 1000),
                "a holder the owner names pushes out the oldest unvouched one");
        List<NodeId> kept = store.get(hash, 0).stream().map(TesseraPointer::publisher).toList();
        assertEquals(List.of(TestManifests.OWNER, vouched, id(0x32)), kept);
        for (int i = 0; i < 10; i++) {
            store.put(byHolder(hash, id(0x40 + i), 1000 + i), 0, 1000);
        }
        assertTrue(store.get(hash, 0).contains(owner), "the owner's pointer stays whatever comes");
    }

    @Test
    void aPublisherFloodingAFullStoreEvictsItsOwnPointersNotOthers() {
        PointerStore store = new PointerStore(SELF, 50, 64);
        NodeId flooder = id(0x66);
        ContentHash real = hash(0x7f);
        TesseraPointer realPointer = byOwner(real, 1);
        store.put(realPointer, 0, 1_000_000);
        for (int i = 0; i < 20_001; i++) {
            // near keys (a small first byte is near SELF = 0) from one publisher
            ContentHash near = hash(i % 2 == 0 ? 0x01 : 0x02, i);
            store.put(pointer(near, flooder, List.of(new Holder(flooder, ADDRESS, List.of(0))), 5), 0, 1_000_000);
        }
        assertEquals(50, store.size());
        assertEquals(49, store.countOf(flooder));
        assertEquals(List.of(realPointer), store.get(real, 0), "the real pointer is still there");
    }

    private static TesseraPointer byOwner(ContentHash hash, long publishedAtMillis) {
        return pointer(hash, TestManifests.OWNER, List.of(), publishedAtMillis);
    }

    private static TesseraPointer byHolder(ContentHash hash, NodeId holder, long publishedAtMillis) {
        return pointer(hash, holder, List.of(new Holder(holder, ADDRESS, List.of(0))), publishedAtMillis);
    }

    private static TesseraPointer pointer(ContentHash hash, NodeId publisher, List<Holder> holders, long at) {
        FragmentPlan plan = FragmentPlan.of(hash, 10, FragmentationTier.SMALL, 1, 0, 7);
        TesseraManifest manifest = TestManifests.unsigned(plan);
        return TestManifests.unsignedPointer(manifest, publisher, holders, at);
    }

    private static NodeId id(int value) {
        byte[] bytes = new byte[NodeId.LENGTH];
        bytes[0] = (byte) value;
        bytes[19] = 1;
        return new NodeId(bytes);
    }

    private static ContentHash hash(int firstByte) {
        return hash(firstByte, 0);
    }

    private static ContentHash hash(int firstByte, int serial) {
        byte[] bytes = new byte[ContentHash.LENGTH];
        bytes[0] = (byte) firstByte;
        bytes[28] = (byte) (serial >>> 16);
        bytes[29] = (byte) (serial >>> 8);
        bytes[30] = (byte) serial;
        bytes[31] = 1;
        return new ContentHash(bytes);
    }
}
