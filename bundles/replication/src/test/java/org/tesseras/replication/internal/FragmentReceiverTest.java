package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.transport.memory.MemoryIdentity;

/** The receiving side's rules, in DESIGN.md §6 and §9 order, on a real node (store, ledger, Derby). */
class FragmentReceiverTest {
    static final long MIB = 1L << 20;
    static final String CODEC = "reed-solomon-gf256/1";

    @TempDir
    Path dir;

    TestCluster cluster;
    TestNode receiver;
    TestNode owner;
    NodeInfo sender;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.inMemory(dir, 3, TestNode.Tiers.lowered(7), TestNode.settings());
        owner = cluster.nodes.get(0);
        receiver = cluster.nodes.get(1);
        sender = owner.transport.localNode();
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    /** Fragment {@code index} of a 16+8 tessera, {@code shardBytes} random bytes, under a manifest the owner signed. */
    FragmentEnvelope fragment(int index, int shardBytes, long seed) {
        Random random = new Random(seed);
        ContentHash tessera = receiver.hasher.hash(("tessera " + seed).getBytes());
        FragmentPlan plan = FragmentPlan.of(tessera, 16L * shardBytes, FragmentationTier.MEDIUM, 16, 8, 7);
        byte[] bytes = new byte[shardBytes];
        List<ContentHash> checksums = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            byte[] shard = new byte[shardBytes];
            random.nextBytes(shard);
            if (i == index) {
                bytes = shard;
            }
            checksums.add(receiver.hasher.hash(shard));
        }
        TesseraManifest manifest = owner.identity.signManifest(plan, CODEC, checksums, System.currentTimeMillis());
        return FragmentEnvelope.of(manifest, index, FragmentSource.ofBytes(bytes));
    }

    /** Offers {@code envelope} from {@code from} as the transport does: judged at its header, its bytes only if let in. */
    ReplicateAck offer(NodeInfo from, FragmentEnvelope envelope) {
        Optional<ReplicateAck> refused = receiver.holder.judge(from, envelope.id(), envelope.manifest());
        return refused.orElseGet(() -> receiver.holder.receive(from, envelope));
    }

    private static TesseraManifest signedBy(NodeIdentity signer, TesseraManifest claimed) {
        return new TesseraManifest(claimed.plan(), claimed.codecId(), claimed.fragmentChecksums(), claimed.owner(),
                claimed.ownerPublicKey(), claimed.ownerNonce(), claimed.createdAtMillis(),
                signer.sign(claimed.signedPayload()));
    }

    @Test
    void aValidFragmentIsStoredBesideItsManifestAndChargedOnceEvenWhenSentTwice() {
        FragmentEnvelope envelope = fragment(3, 4096, 1);
        ContentHash hash = envelope.id().tesseraHash();
        ReplicateAck first = offer(sender, envelope);
        ReplicateAck again = offer(sender, envelope);
        assertTrue(first.accepted(), first.detail());
        assertTrue(again.accepted());
        assertEquals(List.of(3), again.fragmentsHeld());
        assertEquals(4096, receiver.ledger.bytesStoredFor(sender.id()));
        assertEquals(-4096, receiver.ledger.balance(sender.id()));
        assertTrue(receiver.fragments.find(hash, 3).isPresent());
        assertEquals(Optional.of(envelope.manifest()), receiver.fragments.manifest(hash));
        assertTrue(Files.isRegularFile(receiver.dir.resolve("fragments").resolve(hash.hex())
                .resolve("tessera.manifest")), "the manifest is kept beside the shard");
    }

    @Test
    void aFragmentWhoseBytesDoNotMatchItsChecksumIsRefused() {
        FragmentEnvelope honest = fragment(3, 4096, 2);
        FragmentEnvelope lying = new FragmentEnvelope(honest.id(), honest.manifest(),
                FragmentSource.ofBytes(new byte[4096]));
        ReplicateAck ack = offer(sender, lying);
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.CHECKSUM, ack.reason());
        assertEquals(List.of(), ack.fragmentsHeld());
        assertEquals(0, receiver.ledger.bytesStoredFor(sender.id()), "nothing charged");
    }

    @Test
    void aManifestSignedByAnotherKeyIsInvalidAndNothingIsKept() {
        FragmentEnvelope honest = fragment(4, 4096, 3);
        TesseraManifest forged = signedBy(cluster.nodes.get(2).identity, honest.manifest());
        ReplicateAck ack = offer(sender,
                new FragmentEnvelope(honest.id(), forged, honest.content()));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.INVALID, ack.reason());
        assertTrue(ack.detail().contains("signature"), ack.detail());
        assertEquals(Optional.empty(), receiver.fragments.manifest(honest.id().tesseraHash()));
        assertEquals(List.of(), receiver.fragments.list(honest.id().tesseraHash()));
    }

    @Test
    void aManifestWhoseOwnerKeyDoesNotDeriveItsOwnerIdIsInvalid() {
        FragmentEnvelope honest = fragment(4, 4096, 4);
        TesseraManifest m = honest.manifest();
        NodeIdentity impostor = cluster.nodes.get(2).identity;
        TesseraManifest claimsAnother = signedBy(owner.identity, new TesseraManifest(m.plan(), m.codecId(),
                m.fragmentChecksums(), impostor.nodeId(), m.ownerPublicKey(), m.ownerNonce(), m.createdAtMillis(),
                m.signature()));
        ReplicateAck ack = offer(sender,
                new FragmentEnvelope(honest.id(), claimsAnother, honest.content()));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.INVALID, ack.reason());
        assertTrue(ack.detail().contains("does not derive"), ack.detail());
    }

    @Test
    void aChecksumTheManifestDoesNotGiveIsInvalid() {
        FragmentEnvelope honest = fragment(5, 4096, 5);
        byte[] other = new byte[4096];
        FragmentId claimed = new FragmentId(honest.id().tesseraHash(), 5, 24, receiver.hasher.hash(other));
        ReplicateAck ack = offer(sender,
                new FragmentEnvelope(claimed, honest.manifest(), FragmentSource.ofBytes(other)));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.INVALID, ack.reason());
        assertTrue(ack.detail().contains("its manifest gives"), ack.detail());
        assertEquals(List.of(), receiver.fragments.list(honest.id().tesseraHash()));
    }

    @Test
    void aTesseraKeptUnderOneManifestRefusesFragmentsOfAnotherButTakesTheSameFragmentsFromAnyone() {
        FragmentEnvelope first = fragment(0, 4096, 6);
        assertTrue(offer(sender, first).accepted());

        TesseraManifest m = first.manifest();
        List<ContentHash> otherChecksums = new ArrayList<>(m.fragmentChecksums());
        byte[] bogus = new byte[4096];
        otherChecksums.set(1, receiver.hasher.hash(bogus));
        TesseraManifest rival = owner.identity.signManifest(m.plan(), CODEC, otherChecksums, m.createdAtMillis() + 1);
        ReplicateAck refused = offer(sender,
                FragmentEnvelope.of(rival, 1, FragmentSource.ofBytes(bogus)));
        assertFalse(refused.accepted());
        assertEquals(RefusalReason.INVALID, refused.reason());
        assertTrue(refused.detail().contains("another manifest"), refused.detail());
        assertEquals(Optional.of(m), receiver.fragments.manifest(m.tesseraHash()), "the first manifest stays");

        TesseraManifest sameFragmentsOtherOwner = cluster.nodes.get(2).identity.signManifest(m.plan(), CODEC,
                m.fragmentChecksums(), m.createdAtMillis());
        FragmentEnvelope byAnother = fragment(2, 4096, 6);
        ReplicateAck accepted = offer(cluster.nodes.get(2).transport.localNode(),
                new FragmentEnvelope(byAnother.id(), sameFragmentsOtherOwner, byAnother.content()));
        assertTrue(accepted.accepted(), accepted.detail());
        assertEquals(List.of(0, 2), accepted.fragmentsHeld());
    }

    @Test
    void aSenderBeyondItsDeficitAllowanceIsRefused() {
        receiver.ledger.recordStoredForPeer(sender.id(), 256 * MIB - 1000);
        ReplicateAck ack = offer(sender, fragment(0, 4096, 7));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.DEFICIT, ack.reason());
        assertTrue(ack.detail().contains("owe"), ack.detail());

        // once the sender stores for us, it may send again
        receiver.ledger.recordPeerStoresForUs(sender.id(), 1 * MIB);
        assertTrue(offer(sender, fragment(0, 4096, 7)).accepted());
    }

    @Test
    void fiftySybilNodeIdsFromOneSlash24GetTheAllowanceOfTwoPeers() throws Exception {
        long shard = 64 * 1024;
        receiver.holder.apply(withLimits(1L << 40, 4 * shard, 0).withPeerLimits(new PeerLimits(8 * shard, 1L << 40,
                120)));
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            NodeInfo sybil = MemoryIdentity.generate(receiver.verifier).nodeInfo(new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (i + 1)}), 4433));
            for (int f = 0; f < 4; f++) {
                ReplicateAck ack = offer(sybil, fragment(f, (int) shard, 1000 + 10L * i + f));
                if (ack.accepted()) {
                    accepted++;
                } else {
                    assertEquals(RefusalReason.DEFICIT, ack.reason());
                }
            }
        }
        assertEquals(8, accepted, "50 NodeIds of one /24 got what two peers (4 fragments each) would");
        assertEquals(8 * shard, receiver.ledger.bytesStoredForSubnet("203.0.113.0/24"));

        NodeInfo elsewhere = MemoryIdentity.generate(receiver.verifier).nodeInfo(new InetSocketAddress(
                InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, 7}), 4433));
        assertTrue(offer(elsewhere, fragment(0, (int) shard, 5000)).accepted(), "another network still has its own");
    }

    @Test
    void sybilsThatUsedUpTheirSubnetsAllowanceGetNoMoreFromAnotherAddress() throws Exception {
        long shard = 64 * 1024;
        receiver.holder.apply(withLimits(1L << 40, 4 * shard, 0).withPeerLimits(new PeerLimits(8 * shard, 1L << 40,
                120)));
        List<MemoryIdentity> served = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MemoryIdentity sybil = MemoryIdentity.generate(receiver.verifier);
            NodeInfo fromA = sybil.nodeInfo(new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (i + 1)}), 4433));
            if (offer(fromA, fragment(0, (int) shard, 2000 + i)).accepted()) {
                served.add(sybil);
            }
        }
        assertEquals(8, served.size(), "the /24's allowance, two peers' worth");

        for (int i = 0; i < served.size(); i++) {
            NodeInfo fromD = served.get(i).nodeInfo(new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) (i + 1)}), 4433));
            ReplicateAck ack = offer(fromD, fragment(1, (int) shard, 3000 + i));
            assertEquals(RefusalReason.DEFICIT, ack.reason(), "a Sybil owing its /24 took the debt elsewhere: " + ack);
        }
        assertEquals(8 * shard, receiver.ledger.bytesStoredForSubnet("203.0.113.0/24"));
        assertEquals(0, receiver.ledger.bytesStoredForSubnet("192.0.2.0/24"));
    }

    @Test
    void aPeerAskingForMoreAttestationsThanItsRateIsAnsweredBusyAndOthersStillAnswered() {
        assertTrue(offer(sender, fragment(2, 4096, 21)).accepted());
        ContentHash tessera = receiver.fragments.listTesseras().get(0);
        receiver.holder.clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        receiver.holder.start(TestNode.settings().withPeerLimits(new PeerLimits(1L << 40, 1L << 40, 10)));
        Message.AttestRequest ask = new Message.AttestRequest(tessera, new byte[Attestation.NONCE_LENGTH]);
        for (int i = 0; i < AttestationRateLimit.BURST; i++) {
            assertTrue(receiver.holder.answer(sender, ask) instanceof Message.AttestResponse, "ask " + i);
        }
        Message refused = receiver.holder.answer(sender, ask);
        assertTrue(refused instanceof Message.ErrorReply error && error.code() == ErrorCode.BUSY, refused.toString());
        NodeInfo other = cluster.nodes.get(2).transport.localNode();
        assertTrue(receiver.holder.answer(other, ask) instanceof Message.AttestResponse, "another peer is answered");

        receiver.holder.clock = Clock.offset(receiver.holder.clock, java.time.Duration.ofSeconds(6));
        assertTrue(receiver.holder.answer(sender, ask) instanceof Message.AttestResponse, "6 s later: one more");
        assertTrue(receiver.holder.answer(sender, ask) instanceof Message.ErrorReply, "and only one");
    }

    @Test
    void aPushRefusedAtItsHeaderNeverOpensItsBytes() {
        receiver.ledger.recordStoredForPeer(sender.id(), 256 * MIB);
        FragmentEnvelope honest = fragment(0, 4096, 10);
        AtomicBoolean opened = new AtomicBoolean();
        FragmentEnvelope watched = new FragmentEnvelope(honest.id(), honest.manifest(), () -> {
            opened.set(true);
            return honest.content().open();
        });
        ReplicateAck ack = offer(sender, watched);
        assertEquals(RefusalReason.DEFICIT, ack.reason());
        assertFalse(opened.get(), "a refused push's bytes were asked for");
    }

    @Test
    void pushesLetInButNotYetArrivedCountAgainstTheSendersAllowance() {
        receiver.apply(withLimits(1L << 40, 6000, 0));
        FragmentEnvelope first = fragment(0, 4096, 11);
        FragmentEnvelope second = fragment(1, 4096, 12);
        assertEquals(Optional.empty(), receiver.holder.judge(sender, first.id(), first.manifest()));
        Optional<ReplicateAck> refused = receiver.holder.judge(sender, second.id(), second.manifest());
        assertEquals(RefusalReason.DEFICIT, refused.orElseThrow().reason(), "4096 reserved + 4096 > 6000");

        // a push let in whose bytes then fail gives its reservation back
        ReplicateAck lied = receiver.holder.receive(sender, new FragmentEnvelope(first.id(), first.manifest(),
                FragmentSource.ofBytes(new byte[4096])));
        assertEquals(RefusalReason.CHECKSUM, lied.reason());
        assertEquals(Optional.empty(), receiver.holder.judge(sender, second.id(), second.manifest()));
        assertTrue(receiver.holder.receive(sender, second).accepted());
        assertEquals(4096, receiver.ledger.bytesStoredFor(sender.id()), "only the kept fragment is charged");
    }

    @Test
    void aFragmentArrivingFromOnePushIsBusyForAnotherAndHeldAfterwards() {
        FragmentEnvelope envelope = fragment(2, 4096, 13);
        NodeInfo other = cluster.nodes.get(2).transport.localNode();
        assertEquals(Optional.empty(), receiver.holder.judge(sender, envelope.id(), envelope.manifest()));
        ReplicateAck busy = receiver.holder.judge(other, envelope.id(), envelope.manifest()).orElseThrow();
        assertEquals(RefusalReason.BUSY, busy.reason());
        assertTrue(receiver.holder.receive(sender, envelope).accepted());

        ReplicateAck held = receiver.holder.judge(other, envelope.id(), envelope.manifest()).orElseThrow();
        assertTrue(held.accepted(), "a fragment already held is taken without its bytes");
        assertEquals(List.of(2), held.fragmentsHeld());
        assertEquals(0, receiver.ledger.bytesStoredFor(other.id()), "nor charged to the second sender");
    }

    @Test
    void aFragmentArrivingWhileTheStoreIsGoneIsRefusedBusyAndTakenFromTheSameSenderOnceTheStoreIsBack() {
        FragmentEnvelope envelope = fragment(4, 4096, 71);
        assertEquals(Optional.empty(), receiver.holder.judge(sender, envelope.id(), envelope.manifest()));
        FragmentStore store = receiver.holder.fragments;
        receiver.holder.fragments = null; // the storage bundle is being updated while the bytes arrive
        ReplicateAck refused;
        try {
            refused = receiver.holder.receive(sender, envelope);
        } finally {
            receiver.holder.fragments = store;
        }
        assertEquals(RefusalReason.BUSY, refused.reason(), refused.detail());
        assertEquals(0, receiver.ledger.bytesStoredFor(sender.id()), "nothing charged for what was not kept");

        ReplicateAck again = offer(sender, fragment(4, 4096, 71));
        assertTrue(again.accepted(), "the fragment is no longer reserved for the cut push: " + again);
        assertEquals(List.of(4), again.fragmentsHeld());
        assertEquals(1, store.list(envelope.id().tesseraHash()).size());
    }

    @Test
    void aSenderBeyondThePerPeerLimitIsRefusedEvenInCredit() throws Exception {
        ReplicationSettings tight = withLimits(64 * 1024, 256 * MIB, 0);
        receiver.apply(tight);
        receiver.ledger.recordPeerStoresForUs(sender.id(), 10 * MIB);
        assertTrue(offer(sender, fragment(0, 60 * 1024, 8)).accepted());
        ReplicateAck ack = offer(sender, fragment(1, 8 * 1024, 80));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.PEER_LIMIT, ack.reason());
    }

    @Test
    void aFragmentThatWouldLeaveTooLittleDiskIsRefused() throws Exception {
        // a margin well above what other work on this disk frees meanwhile
        long free = receiver.fragments.usage().freeBytes();
        receiver.apply(withLimits(1L << 40, 256 * MIB, free + (1L << 30)));
        FragmentEnvelope envelope = fragment(0, 4096, 9);
        ReplicateAck ack = offer(sender, envelope);
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.NO_SPACE, ack.reason());
        assertTrue(receiver.fragments.list(envelope.id().tesseraHash()).isEmpty());
    }

    @Test
    void aTesseraLargerThanTheMaximumIsInvalid() {
        ContentHash tessera = receiver.hasher.hash("huge".getBytes());
        long huge = receiver.tiers.maxTesseraSizeBytes() + 1;
        FragmentPlan plan = FragmentPlan.of(tessera, huge, FragmentationTier.LARGE, 48, 24, 7);
        List<ContentHash> checksums = new ArrayList<>();
        for (int i = 0; i < 72; i++) {
            checksums.add(tessera);
        }
        TesseraManifest manifest = owner.identity.signManifest(plan, CODEC, checksums, 1);
        ReplicateAck ack = offer(sender,
                FragmentEnvelope.of(manifest, 0, FragmentSource.ofBytes(new byte[16])));
        assertFalse(ack.accepted());
        assertEquals(RefusalReason.INVALID, ack.reason());
    }

    private static ReplicationSettings withLimits(long maxStoragePerPeer, long acceptDeficit, long minFree) {
        ReplicationSettings s = TestNode.settings();
        return new ReplicationSettings(s.repairInterval(), s.repairJitter(), s.maxConcurrentTransfers(), minFree,
                acceptDeficit, maxStoragePerPeer, s.maxPeersPerSubnet(), s.maxFailedAttestations(), false,
                s.firstRepairRoundDelay(), s.announceInterval(), s.ownerSilenceBeforeCustody(), s.putDeadline(),
                s.repairRoundDeadline(), s.peerLimits());
    }
}
