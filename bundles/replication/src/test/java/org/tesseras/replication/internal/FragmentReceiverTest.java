package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;

/** The receiving side's rules, in DESIGN.md §6 order, on a real node (store, ledger, Derby). */
class FragmentReceiverTest {
    static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    TestCluster cluster;
    TestNode receiver;
    NodeInfo sender;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.inMemory(dir, 2, TestNode.Tiers.lowered(7), TestNode.settings());
        receiver = cluster.nodes.get(1);
        sender = cluster.nodes.get(0).transport.localNode();
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    /** A fragment of {@code shardBytes} random bytes, as fragment {@code index} of a 16+8 tessera. */
    FragmentEnvelope fragment(int index, int shardBytes, long seed) {
        byte[] bytes = new byte[shardBytes];
        new Random(seed).nextBytes(bytes);
        ContentHash tessera = receiver.hasher.hash(("tessera " + seed).getBytes());
        FragmentPlan plan = FragmentPlan.of(tessera, 16L * shardBytes, FragmentationTier.MEDIUM, 16, 8, 7);
        FragmentId id = new FragmentId(tessera, index, 24, receiver.hasher.hash(bytes));
        return new FragmentEnvelope(id, plan, FragmentSource.ofBytes(bytes));
    }

    @Test
    void aValidFragmentIsStoredAndChargedOnceEvenWhenSentTwice() {
        FragmentEnvelope envelope = fragment(3, 4096, 1);
        ReplicateAck first = receiver.replication.receive(sender, envelope);
        ReplicateAck again = receiver.replication.receive(sender, envelope);
        assertTrue(first.accepted());
        assertTrue(again.accepted());
        assertEquals(List.of(3), again.fragmentsHeld());
        assertEquals(4096, receiver.ledger.bytesStoredFor(sender.id()));
        assertEquals(-4096, receiver.ledger.balance(sender.id()));
        assertTrue(receiver.fragments.find(envelope.id().tesseraHash(), 3).isPresent());
    }

    @Test
    void aFragmentWhoseBytesDoNotMatchItsChecksumIsRefused() {
        FragmentEnvelope honest = fragment(3, 4096, 2);
        byte[] other = new byte[4096];
        FragmentEnvelope lying = new FragmentEnvelope(honest.id(), honest.plan(), FragmentSource.ofBytes(other));
        ReplicateAck ack = receiver.replication.receive(sender, lying);
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.CHECKSUM, ack.reason());
        assertEquals(List.of(), ack.fragmentsHeld());
        assertEquals(0, receiver.ledger.bytesStoredFor(sender.id()), "nothing charged");
    }

    @Test
    void aSenderBeyondItsDeficitAllowanceIsRefused() {
        receiver.ledger.recordStoredForPeer(sender.id(), 256 * MIB - 1000);
        ReplicateAck ack = receiver.replication.receive(sender, fragment(0, 4096, 3));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.DEFICIT, ack.reason());
        assertTrue(ack.detail().contains("owe"), ack.detail());

        // once the sender stores for us, it may send again
        receiver.ledger.recordPeerStoresForUs(sender.id(), 1 * MIB);
        assertTrue(receiver.replication.receive(sender, fragment(0, 4096, 3)).accepted());
    }

    @Test
    void aSenderBeyondThePerPeerLimitIsRefusedEvenInCredit() throws Exception {
        ReplicationSettings tight = withLimits(64 * 1024, 256 * MIB, 0);
        receiver.replication.apply(tight);
        receiver.ledger.recordPeerStoresForUs(sender.id(), 10 * MIB);
        assertTrue(receiver.replication.receive(sender, fragment(0, 60 * 1024, 4)).accepted());
        ReplicateAck ack = receiver.replication.receive(sender, fragment(1, 8 * 1024, 4));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.PEER_LIMIT, ack.reason());
    }

    @Test
    void aFragmentThatWouldLeaveTooLittleDiskIsRefused() throws Exception {
        long free = receiver.fragments.usage().freeBytes();
        receiver.replication.apply(withLimits(1L << 40, 256 * MIB, free));
        FragmentEnvelope envelope = fragment(0, 4096, 5);
        ReplicateAck ack = receiver.replication.receive(sender, envelope);
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.NO_SPACE, ack.reason());
        assertTrue(receiver.fragments.list(envelope.id().tesseraHash()).isEmpty());
    }

    @Test
    void aTesseraLargerThanTheMaximumIsInvalid() {
        byte[] bytes = new byte[16];
        ContentHash tessera = receiver.hasher.hash("huge".getBytes());
        long huge = receiver.tiers.maxTesseraSizeBytes() + 1;
        FragmentPlan plan = FragmentPlan.of(tessera, huge, FragmentationTier.LARGE, 48, 24, 7);
        FragmentId id = new FragmentId(tessera, 0, 72, receiver.hasher.hash(bytes));
        ReplicateAck ack = receiver.replication.receive(sender, new FragmentEnvelope(id, plan, FragmentSource.ofBytes(bytes)));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.INVALID, ack.reason());
    }

    private static ReplicationSettings withLimits(long maxStoragePerPeer, long acceptDeficit, long minFree) {
        ReplicationSettings s = TestNode.settings();
        return new ReplicationSettings(s.repairInterval(), s.repairJitter(), s.maxConcurrentTransfers(), minFree,
                acceptDeficit, maxStoragePerPeer, s.maxPeersPerSubnet(), s.maxFailedAttestations(), false);
    }
}
