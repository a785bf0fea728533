package org.tesseras.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;

/** Validation rules of the smaller model values. */
class ValuesTest {
    static final ContentHash HASH = new ContentHash(new byte[32]);
    static final NodeId NODE = NodeId.of("00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff");
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 4433);

    @Test
    void nodeInfoNeedsAThirtyTwoByteKeyAndAnIpAddress() {
        NodeInfo info = new NodeInfo(NODE, new byte[32], 7, LOCAL, Set.of("store"));
        assertEquals("00ff00ff@127.0.0.1:4433", info.toString());
        assertThrows(IllegalArgumentException.class, () -> new NodeInfo(NODE, new byte[31], 7, LOCAL, Set.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new NodeInfo(NODE, new byte[32], 7, InetSocketAddress.createUnresolved("example.org", 1), Set.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new NodeInfo(NODE, new byte[32], 7, new InetSocketAddress("127.0.0.1", 0), Set.of()));
        assertEquals(info, new NodeInfo(NODE, new byte[32], 7, LOCAL, Set.of("store")));
        assertNotEquals(info, new NodeInfo(NODE, new byte[32], 8, LOCAL, Set.of("store")));
    }

    @Test
    void replicateAckRefusalsCarryAReasonAndAcceptsDoNot() {
        ReplicateAck ok = ReplicateAck.accepted(List.of(1, 2));
        assertTrue(ok.accepted());
        assertEquals(List.of(1, 2), ok.fragmentsHeld());
        ReplicateAck no = ReplicateAck.refused(RefusalReason.DEFICIT, "owes 300 MiB", List.of());
        assertFalse(no.accepted());
        assertEquals(RefusalReason.DEFICIT, no.reason());
        assertThrows(IllegalArgumentException.class, () -> new ReplicateAck(true, RefusalReason.CHECKSUM, "", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ReplicateAck(false, null, "", List.of()));
    }

    @Test
    void repairActionsValidateTheirCounts() {
        assertEquals(List.of(3, 4), new RepairAction.NeedsReplication(2, List.of(3, 4)).missingIndices());
        assertThrows(IllegalArgumentException.class, () -> new RepairAction.NeedsReplication(0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new RepairAction.CorruptLocal(-1));
        assertThrows(IllegalArgumentException.class, () -> new RepairAction.Lost(16, 16));
        assertThrows(IllegalArgumentException.class, () -> new RepairAction.Lost(-1, 16));
        assertEquals(15, new RepairAction.Lost(15, 16).available());
    }

    @Test
    void attestationSignsEveryFieldButTheSignature() {
        byte[] nonce = new byte[32];
        List<Attestation.Entry> entries = List.of(new Attestation.Entry(5, HASH, new byte[32]));
        byte[] payload = Attestation.signedPayload(HASH, nonce, entries, 1000L, NODE);
        Attestation attestation = new Attestation(HASH, nonce, entries, 1000L, NODE, new byte[64]);
        assertTrue(Arrays.equals(payload, attestation.signedPayload()));

        byte[] otherNonce = new byte[32];
        otherNonce[0] = 1;
        assertFalse(Arrays.equals(payload, Attestation.signedPayload(HASH, otherNonce, entries, 1000L, NODE)));
        assertFalse(Arrays.equals(payload, Attestation.signedPayload(HASH, nonce, entries, 1001L, NODE)));
        assertFalse(Arrays.equals(payload, Attestation.signedPayload(HASH, nonce, List.of(), 1000L, NODE)));
        List<Attestation.Entry> otherIndex = List.of(new Attestation.Entry(6, HASH, new byte[32]));
        assertFalse(Arrays.equals(payload, Attestation.signedPayload(HASH, nonce, otherIndex, 1000L, NODE)));

        assertThrows(IllegalArgumentException.class, () -> new Attestation(HASH, new byte[31], entries, 1, NODE, new byte[64]));
        assertThrows(IllegalArgumentException.class, () -> new Attestation(HASH, nonce, entries, 1, NODE, new byte[63]));
        assertThrows(IllegalArgumentException.class, () -> new Attestation.Entry(256, HASH, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new Attestation.Entry(1, HASH, new byte[31]));
    }

    @Test
    void pointerHoldersMustNameShardsOfThePlanAndOnlyTheOwnerOrAHolderIsEntitled() {
        FragmentPlan plan = FragmentPlan.of(HASH, 100, FragmentationTier.MEDIUM, 16, 8, 7);
        Holder good = new Holder(NODE, LOCAL, List.of(0, 23));
        TesseraManifest manifest = TestManifests.unsigned(plan);
        TesseraPointer byHolder = TestManifests.unsignedPointer(manifest, NODE, List.of(good), 1);
        assertEquals(HASH, byHolder.tesseraHash());
        assertEquals(plan, byHolder.plan());
        assertTrue(byHolder.publisherEntitled(), "a holder listing its own fragments");
        assertFalse(byHolder.byOwner());
        assertTrue(TestManifests.unsignedPointer(manifest, TestManifests.OWNER, List.of(), 1).publisherEntitled(),
                "the owner, even with no holder yet");
        NodeId stranger = new NodeId(new byte[NodeId.LENGTH]);
        assertFalse(TestManifests.unsignedPointer(manifest, stranger, List.of(good), 1).publisherEntitled(),
                "a stranger listing others");
        Holder bad = new Holder(NODE, LOCAL, List.of(24));
        assertThrows(IllegalArgumentException.class,
                () -> TestManifests.unsignedPointer(manifest, NODE, List.of(bad), 1));
    }

    @Test
    void pointerRecordsMergeHoldersAndPutTheOwnersVariantFirst() {
        FragmentPlan plan = FragmentPlan.of(HASH, 100, FragmentationTier.MEDIUM, 16, 8, 7);
        TesseraManifest real = TestManifests.unsigned(plan);
        NodeId a = new NodeId(filled(0x0a));
        NodeId b = new NodeId(filled(0x0b));
        TesseraPointer owner = TestManifests.unsignedPointer(real, TestManifests.OWNER,
                List.of(new Holder(a, LOCAL, List.of(0, 1)), new Holder(b, LOCAL, List.of(2))), 10);
        TesseraPointer aSays = TestManifests.unsignedPointer(real, a, List.of(new Holder(a, LOCAL, List.of(0, 1, 5))), 5);
        TesseraManifest bogus = TestManifests.withChecksum(real, 3, HASH);
        NodeId c = new NodeId(filled(0x0c));
        TesseraPointer planted = TestManifests.unsignedPointer(bogus, c, List.of(new Holder(c, LOCAL, List.of(3)),
                new Holder(a, LOCAL, List.of(3)), new Holder(b, LOCAL, List.of(3))), 99);

        PointerRecords records = new PointerRecords(HASH, List.of(planted, aSays, owner));
        List<PointerRecords.Variant> variants = records.variants();
        assertEquals(2, variants.size());
        assertTrue(variants.get(0).manifest().sameFragmentsAs(real), "the owner's variant first");
        List<Holder> holders = variants.get(0).holders();
        assertEquals(List.of(0, 1, 5), holders.stream().filter(h -> h.node().equals(a)).findFirst().orElseThrow()
                .indices(), "what a holder says of itself wins over the owner's older word");
        assertEquals(2, holders.size());
        assertEquals(Instant.ofEpochMilli(10), variants.get(0).lastHeardFromOwner().orElseThrow());
        assertTrue(variants.get(1).ownerRecord().isEmpty());
    }

    @Test
    void tierSpecKnowsItsRangeOverheadAndSurvivableLosses() {
        TierSpec small = new TierSpec("small", FragmentationTier.SMALL, 0, 4 << 20, 1, 0, 7);
        TierSpec medium = new TierSpec("medium", FragmentationTier.MEDIUM, 4 << 20, 256 << 20, 16, 8, 7);
        TierSpec large = new TierSpec("large", FragmentationTier.LARGE, 256 << 20, 1L << 30, 48, 24, 7);
        assertTrue(small.covers((4 << 20) - 1));
        assertFalse(small.covers(4 << 20));
        assertTrue(medium.covers(4 << 20));
        assertEquals(1.5, medium.overhead());
        assertEquals(6, small.survivablePeerLosses());
        // 24 shards over 7 peers: 4,4,4,3,3,3,3; losing the two fullest loses 8 = parity
        assertEquals(2, medium.survivablePeerLosses());
        // 72 over 7: 11,11,10,10,10,10,10; two peers lose 22 of 24 parity
        assertEquals(2, large.survivablePeerLosses());
        assertThrows(IllegalArgumentException.class, () -> new TierSpec("x", FragmentationTier.MEDIUM, 5, 5, 16, 8, 7));
        assertThrows(IllegalArgumentException.class, () -> new TierSpec("x", FragmentationTier.MEDIUM, 0, 5, 16, 0, 7));
    }

    @Test
    void ledgerEntryBalanceIsTheyStoreMinusWeStore() {
        assertEquals(-300, new LedgerEntry(NODE, 1000, 700, Instant.EPOCH).balance());
    }

    @Test
    void messagesValidateTheirParts() {
        assertThrows(IllegalArgumentException.class, () -> new Message.AttestRequest(HASH, new byte[16]));
        assertEquals(new Message.AttestRequest(HASH, new byte[32]), new Message.AttestRequest(HASH, new byte[32]));
        assertEquals("", new Message.ErrorReply(ErrorCode.INTERNAL, null).reason());
        assertThrows(NullPointerException.class, () -> new Message.FindNode(null));
    }

    @Test
    void verifyReportsCountWhatTheyNameAndNameFragmentsByTesseraAndIndex() {
        VerifyReport.Fragment third = new VerifyReport.Fragment(HASH, 3);
        assertEquals(HASH.hex() + "/3", third.toString());
        VerifyReport report = new VerifyReport(2, 20, List.of(third), List.of(new VerifyReport.Fragment(HASH, 4)), 1,
                List.of(HASH), List.of());
        assertEquals(22, report.fragments());
        assertEquals(0, report.goodWholeTesseras());
        assertFalse(report.clean());
        assertTrue(new VerifyReport(1, 24, List.of(), List.of(), 1, List.of(), List.of()).clean());
        assertThrows(IllegalArgumentException.class, () -> new VerifyReport.Fragment(HASH, -1));
        assertThrows(IllegalArgumentException.class,
                () -> new VerifyReport(1, 0, List.of(), List.of(), 0, List.of(HASH), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new VerifyReport(-1, 0, List.of(), List.of(), 0, List.of(), List.of()));
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[NodeId.LENGTH];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
