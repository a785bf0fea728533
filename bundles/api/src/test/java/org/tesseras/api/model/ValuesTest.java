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
    void pointerHoldersMustNameShardsOfThePlan() {
        FragmentPlan plan = FragmentPlan.of(HASH, 100, FragmentationTier.MEDIUM, 16, 8, 7);
        Holder good = new Holder(NODE, LOCAL, List.of(0, 23));
        TesseraManifest manifest = TestManifests.unsigned(plan);
        assertEquals(HASH, new TesseraPointer(manifest, NODE, List.of(good), 1).tesseraHash());
        assertEquals(plan, new TesseraPointer(manifest, NODE, List.of(good), 1).plan());
        Holder bad = new Holder(NODE, LOCAL, List.of(24));
        assertThrows(IllegalArgumentException.class, () -> new TesseraPointer(manifest, NODE, List.of(bad), 1));
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
}
