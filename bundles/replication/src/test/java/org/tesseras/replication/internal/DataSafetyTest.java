package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.model.HealthReport.HolderCheck;
import org.tesseras.api.model.HealthReport.HolderState;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.RemoteErrorException;

/**
 * The faults DESIGN.md §10 is for, each on whole nodes in this JVM talking TLS over real sockets on
 * 127.0.0.1 with Derby and files on disk: a lost database, rotted bytes in every place they are kept, a
 * stranger who pushes first, a holder that deleted its files, a put the node died in. In each, every byte
 * comes back and nothing is deleted by mistake.
 */
class DataSafetyTest {
    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private TestCluster start(int nodes) throws Exception {
        cluster = TestCluster.onSockets(dir, nodes, TestNode.Tiers.lowered(7), TestNode.settings(), true);
        return cluster;
    }

    private ContentHash put(Path file) throws Exception {
        PlacementReport report = cluster.owner().replication.replicate(file, ProgressListener.NONE);
        assertTrue(report.fragmentsPlaced() >= 20, report.toString());
        return report.plan().tesseraHash();
    }

    private Map<NodeId, List<Integer>> holders(ContentHash hash) {
        Map<NodeId, List<Integer>> holders = new java.util.LinkedHashMap<>();
        for (HolderStatus status : cluster.owner().holders.holders(hash)) {
            holders.put(status.holder().node(), status.indices());
        }
        return holders;
    }

    private static List<String> filesUnder(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(p -> directory.relativize(p).toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A get of {@code hash} on {@code node} writes exactly the bytes of {@code original}. */
    private RetrievalReport assertGetGives(TestNode node, ContentHash hash, Path original, String name)
            throws Exception {
        Path copy = dir.resolve(name);
        RetrievalReport report = node.replication.retrieve(hash, copy, ProgressListener.NONE);
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy), node + " got other bytes");
        return report;
    }

    private static HolderCheck checkOf(HealthReport report, NodeId node) {
        return report.holders().stream().filter(h -> h.node().equals(node)).findFirst().orElseThrow();
    }

    @Test
    void filesOnDiskWithAnEmptyDatabaseAreEnoughAndEveryFragmentAttestsAgain() throws Exception {
        start(7);
        Path file = cluster.randomFile("album.bin", 1_500_000, 1);
        ContentHash hash = put(file);
        int holderIndex = cluster.nodes.indexOf(cluster.byId(holders(hash).keySet().iterator().next()));
        TestNode holder = cluster.nodes.get(holderIndex);
        List<Integer> held = holders(hash).get(holder.identity.nodeId());
        List<String> filesBefore = filesUnder(holder.dir.resolve("fragments"));

        holder.close();
        deleteTree(holder.dir.resolve("db"));
        TestNode rebuilt = cluster.restart(holderIndex);
        assertEquals(held, rebuilt.fragments.list(hash).stream().map(f -> f.id().index()).toList(),
                "the index is rebuilt from the manifest and shard files");
        assertEquals(filesBefore, filesUnder(rebuilt.dir.resolve("fragments")), "nothing was deleted");
        assertEquals(0, rebuilt.fragments.quarantined().size());
        cluster.awaitConverged();

        HealthReport health = cluster.owner().replication.checkHealth(hash);
        assertEquals(HolderState.VERIFIED, checkOf(health, rebuilt.identity.nodeId()).state(), health.toString());
        assertEquals(held, checkOf(health, rebuilt.identity.nodeId()).indices(), "every fragment attests");
        assertInstanceOf(RepairAction.Healthy.class, health.action());

        // the owner loses its database too: its own fragments come back from disk, its holders from the pointer
        TestNode owner = cluster.owner();
        Map<NodeId, List<Integer>> holdersBefore = holders(hash);
        owner.close();
        deleteTree(owner.dir.resolve("db"));
        owner = cluster.restart(0);
        assertEquals(24, owner.fragments.list(hash).size());
        assertTrue(owner.replication.status(hash).orElseThrow().owned());
        assertTrue(owner.holders.holders(hash).isEmpty(), "holder records lived in the lost database");
        cluster.awaitConverged();
        assertEquals(1, owner.replication.startupTasks().recoverHolderRecords());
        assertEquals(holdersBefore.keySet(), holders(hash).keySet());
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
        assertTrue(owner.blobs.delete(hash));
        assertGetGives(owner, hash, file, "copy.bin");
    }

    @Test
    void aFlippedByteInALocalShardAFetchedFragmentAndTheBlobStillGivesTheOriginalAndIsRepaired() throws Exception {
        start(8);
        Path file = cluster.randomFile("letters.bin", 1_500_000, 2);
        ContentHash hash = put(file);
        TestNode owner = cluster.owner();
        Map<NodeId, List<Integer>> holders = holders(hash);
        NodeId rottingId = holders.keySet().iterator().next();
        TestNode rotting = cluster.byId(rottingId);
        int rottedThere = holders.get(rottingId).get(0);
        assertTrue(rottedThere < 16, "a data shard, which a reader fetches first");

        owner.flipBitOfShard(hash, 3, 1000);
        rotting.flipBitOfShard(hash, rottedThere, 2000);
        Path blob = owner.dir.resolve("blobs").resolve(hash.hex());
        byte[] rotten = Files.readAllBytes(blob);
        rotten[12_345] ^= 0x40;
        Files.write(blob, rotten);

        RetrievalReport own = assertGetGives(owner, hash, file, "from-owner.bin");
        assertTrue(own.source() != RetrievalReport.Source.LOCAL_BLOB, "the rotted blob was not trusted");
        assertEquals(FragmentCheck.GOOD, owner.blobs.verify(hash), "and was replaced by the rebuilt bytes");
        assertEquals(1, owner.blobs.quarantined().size());

        TestNode reader = cluster.nodes.stream().filter(n -> !holders.containsKey(n.identity.nodeId()) && n != owner)
                .findFirst().orElse(cluster.nodes.get(7));
        assertGetGives(reader, hash, file, "from-reader.bin");

        RepairReport repair = owner.replication.repair(hash);
        assertInstanceOf(RepairAction.Healthy.class, repair.after(), repair.toString());
        assertEquals(1, rotting.fragments.quarantined().size(), "the holder found its rotted fragment when attesting");
        HealthReport after = owner.replication.checkHealth(hash);
        assertInstanceOf(RepairAction.Healthy.class, after.action(), after.toString());
        for (int index = 0; index < 24; index++) {
            assertEquals(FragmentCheck.GOOD, owner.fragments.verify(hash, index), "local shard " + index);
        }
    }

    @Test
    void aStrangerWhoPushesFirstNeverWinsOverTheOwnersOwnManifest() throws Exception {
        start(8);
        TestNode owner = cluster.owner();
        TestNode stranger = cluster.nodes.get(1);
        TestNode peer = cluster.nodes.get(2);
        Path file = cluster.randomFile("memories.bin", 1_500_000, 3);
        ContentHash hash = owner.hasher.hash(Files.readAllBytes(file));
        FragmentPlan plan = owner.tiers.plan(hash, Files.size(file));

        // the stranger knows the hash in advance and makes up fragments under a manifest it signs itself
        Random random = new Random(99);
        List<byte[]> bogus = new ArrayList<>();
        List<ContentHash> checksums = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            byte[] bytes = new byte[(int) plan.shardSize()];
            random.nextBytes(bytes);
            bogus.add(bytes);
            checksums.add(owner.hasher.hash(bytes));
        }
        TesseraManifest strangers = stranger.identity.signManifest(plan, owner.coder.codecId(), checksums, 1);
        Contact ownerContact = Contact.of(owner.transport.localNode());
        ReplicateAck heldByOwner = stranger.transport.sendFragment(ownerContact,
                FragmentEnvelope.of(strangers, 0, FragmentSource.ofBytes(bogus.get(0)))).get();
        assertTrue(heldByOwner.accepted(), "before the owner puts it, it is just another peer's tessera");

        // and a manifest that claims to be the owner's, which it cannot sign
        TesseraManifest ownersForged = new TesseraManifest(plan, strangers.codecId(), checksums,
                owner.identity.nodeId(), owner.identity.publicKey(), owner.identity.nonce(), 1,
                stranger.identity.sign(TesseraManifest.signedPayload(plan, strangers.codecId(), checksums,
                        owner.identity.nodeId(), owner.identity.publicKey(), owner.identity.nonce(), 1)));
        ReplicateAck forged = stranger.transport.sendFragment(Contact.of(peer.transport.localNode()),
                FragmentEnvelope.of(ownersForged, 1, FragmentSource.ofBytes(bogus.get(1)))).get();
        assertFalse(forged.accepted());
        assertEquals(RefusalReason.INVALID, forged.reason());
        assertTrue(peer.fragments.list(hash).isEmpty(), "the forged fragment was refused");

        assertEquals(hash, put(file));
        TesseraManifest kept = owner.fragments.manifest(hash).orElseThrow();
        assertEquals(owner.identity.nodeId(), kept.owner(), "the owner's own manifest");
        assertEquals(1, owner.fragments.quarantined().size(), "the stranger's fragment is set aside, not used");
        assertEquals(0, owner.ledger.bytesStoredFor(stranger.identity.nodeId()), "nor counted as stored for it");
        for (int index = 0; index < 24; index++) {
            assertEquals(kept.checksum(index), owner.fragments.find(hash, index).orElseThrow().id().checksum());
        }

        assertTrue(owner.blobs.delete(hash));
        assertGetGives(owner, hash, file, "copy.bin");
        assertGetGives(cluster.nodes.get(7), hash, file, "elsewhere.bin");
    }

    @Test
    void aHolderThatDeletedItsFilesIsNotVerifiedItsFragmentsArePlacedAgainAndItsCreditDrops() throws Exception {
        start(8);
        Path file = cluster.randomFile("archive.bin", 1_500_000, 4);
        ContentHash hash = put(file);
        TestNode owner = cluster.owner();
        NodeId deleterId = holders(hash).keySet().iterator().next();
        TestNode deleter = cluster.byId(deleterId);
        List<Integer> held = holders(hash).get(deleterId);
        long shard = owner.fragments.plan(hash).orElseThrow().shardSize();
        long credit = owner.ledger.entry(deleterId).orElseThrow().bytesTheyStoreForUs();
        assertEquals(held.size() * shard, credit);

        Path shards = deleter.dir.resolve("fragments").resolve(hash.hex());
        Files.delete(shards.resolve(String.format("%03d.shard", held.get(0))));
        HealthReport partial = owner.replication.checkHealth(hash);
        HolderCheck check = checkOf(partial, deleterId);
        assertEquals(HolderState.VERIFIED, check.state());
        assertEquals(held.subList(1, held.size()), check.indices(), "what it no longer proves is not counted");
        assertEquals(credit - shard, owner.ledger.entry(deleterId).orElseThrow().bytesTheyStoreForUs());
        assertEquals(new RepairAction.NeedsReplication(1, List.of(held.get(0))), partial.action());
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.repair(hash).after());

        try (Stream<Path> files = Files.list(shards)) {
            for (Path shardFile : files.filter(f -> f.getFileName().toString().endsWith(".shard")).toList()) {
                Files.delete(shardFile);
            }
        }
        HolderState state = HolderState.VERIFIED;
        for (int round = 1; round <= owner.replication.settings().maxFailedAttestations(); round++) {
            state = checkOf(owner.replication.checkHealth(hash), deleterId).state();
            assertFalse(state == HolderState.VERIFIED, "a holder without its files is never verified");
            if (state == HolderState.LOST) {
                break;
            }
        }
        assertEquals(HolderState.LOST, state, "after " + owner.replication.settings().maxFailedAttestations()
                + " failed attestations in a row");
        RepairReport repair = owner.replication.repair(hash);
        assertFalse(holders(hash).containsKey(deleterId), "counted lost and forgotten: " + repair);
        assertEquals(0, owner.ledger.entry(deleterId).orElseThrow().bytesTheyStoreForUs(), "its credit is gone");
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
        assertTrue(owner.blobs.delete(hash));
        assertGetGives(owner, hash, file, "copy.bin");
    }

    /** Eight in-memory nodes whose medium tier (16 + 8 fragments) starts at 64 KiB, and a random 1 MiB file. */
    private Path mediumTesseraOnEightNodes(String name, long seed) throws Exception {
        cluster = TestCluster.inMemory(dir, 8, TestNode.Tiers.lowered(7), TestNode.settings());
        return cluster.randomFile(name, 1L << 20, seed);
    }

    @Test
    void shardsCutShortOnDiskAreQuarantinedAndTheGetRebuildsFromTheOthers() throws Exception {
        Path file = mediumTesseraOnEightNodes("letters.bin", 29);
        TestNode owner = cluster.owner();
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        assertTrue(owner.blobs.delete(hash));
        long shardSize = owner.fragments.manifest(hash).orElseThrow().plan().shardSize();
        // a data shard the get would copy straight to its place, and a parity shard a rebuild would read
        owner.truncateShard(hash, 3, shardSize / 2);
        owner.truncateShard(hash, 16, 0);
        for (TestNode peer : cluster.nodes.subList(1, cluster.nodes.size())) {
            peer.close();
        }

        Path copy = dir.resolve("copy.bin");
        RetrievalReport report = owner.replication.retrieve(hash, copy, ProgressListener.NONE);

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertEquals(RetrievalReport.Source.LOCAL_FRAGMENTS, report.source(), "rebuilt from the 22 whole shards here");
        assertTrue(owner.fragments.find(hash, 3).isEmpty() && owner.fragments.find(hash, 16).isEmpty(),
                "both cut shards left the index");
        List<String> why = owner.fragments.quarantined().stream().map(QuarantinedFile::reason).sorted().toList();
        assertEquals(List.of("its file holds 0 bytes, a shard " + shardSize + " (found by a get)",
                "its file holds " + shardSize / 2 + " bytes, a shard " + shardSize + " (found by a get)"), why,
                "both were kept aside, not deleted, saying why");
        assertEquals(List.of(copy), TestCluster.leftIn(dir), "no partial output or work directory is left");
    }

    @Test
    void aRottedBlobIsRebuiltFromTheShardsHereWhenOneOfThemIsCutShort() throws Exception {
        Path file = mediumTesseraOnEightNodes("album.bin", 31);
        TestNode owner = cluster.owner();
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        TesseraManifest manifest = owner.fragments.manifest(hash).orElseThrow();
        long shardSize = manifest.plan().shardSize();
        Path blob = owner.dir.resolve("blobs").resolve(hash.hex());
        byte[] rotten = Files.readAllBytes(blob);
        rotten[54_321] ^= 0x08;
        Files.write(blob, rotten);
        // a data shard the rebuild would read first, cut short after the health check that would have found it
        owner.truncateShard(hash, 1, shardSize / 3);
        for (TestNode peer : cluster.nodes.subList(1, cluster.nodes.size())) {
            peer.close();
        }

        LocalRestorer restorer = new LocalRestorer(owner.replication, new FragmentGatherer(owner.replication));
        assertTrue(restorer.restoreBlob(manifest, List.of()), "the rotted copy was found and rebuilt");

        assertEquals(FragmentCheck.GOOD, owner.blobs.verify(hash));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(blob), "every byte of the copy is back");
        assertTrue(owner.fragments.find(hash, 1).isEmpty(), "the cut shard left the index");
        assertEquals(List.of("its file holds " + shardSize / 3 + " bytes, a shard " + shardSize
                + " (found by rebuilding other fragments)"),
                owner.fragments.quarantined().stream().map(QuarantinedFile::reason).toList(),
                "it was kept aside, not deleted, saying why");
        assertEquals(1, owner.blobs.quarantined().size(), "and so was the rotted copy");
    }

    @Test
    void aShardCutShortAtAHolderIsQuarantinedThereWhenAPeerFetchesItAndIsPlacedAgain() throws Exception {
        Path file = mediumTesseraOnEightNodes("diary.bin", 37);
        TestNode owner = cluster.owner();
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        long shardSize = owner.fragments.manifest(hash).orElseThrow().plan().shardSize();
        Map.Entry<NodeId, List<Integer>> held = holders(hash).entrySet().iterator().next();
        TestNode holder = cluster.byId(held.getKey());
        int index = held.getValue().get(0);
        holder.truncateShard(hash, index, shardSize / 2);
        TestNode peer = cluster.nodes.stream().filter(n -> n != owner && n != holder).findFirst().orElseThrow();

        CompletableFuture<Long> fetch = peer.transport.fetchFragment(Contact.of(holder.transport.localNode()), hash,
                index, (id, plan, content) -> content.transferTo(OutputStream.nullOutputStream()));

        ExecutionException failed = assertThrows(ExecutionException.class, () -> fetch.get(30, TimeUnit.SECONDS));
        RemoteErrorException refused = assertInstanceOf(RemoteErrorException.class, failed.getCause());
        assertEquals(ErrorCode.NOT_FOUND, refused.code(), "told it is not held, not sent half a shard");
        assertTrue(holder.fragments.find(hash, index).isEmpty(), "the cut shard left the holder's index");
        assertEquals(List.of("its file holds " + shardSize / 2 + " bytes, a shard " + shardSize
                + " (found by a peer's fetch)"),
                holder.fragments.quarantined().stream().map(QuarantinedFile::reason).toList(),
                "it was kept aside, not deleted, saying why");

        RepairReport repair = owner.replication.repair(hash);
        assertInstanceOf(RepairAction.Healthy.class, repair.after(), repair.toString());
        assertGetGives(peer, hash, file, "copy.bin");
    }

    @Test
    void aLocalFragmentGoodAgainByTheTimeTheRepairActsIsKeptNotQuarantinedOnTheHealthChecksOldVerdict()
            throws Exception {
        Path file = mediumTesseraOnEightNodes("notes.bin", 41);
        TestNode owner = cluster.owner();
        ContentHash hash = owner.replication.replicate(file, ProgressListener.NONE).plan().tesseraHash();
        owner.flipBitOfShard(hash, 5, 1_000);
        // the check hashes the fragments here first, then asks the holders: by then a good copy is back in place
        AtomicBoolean mended = new AtomicBoolean();
        owner.replication.transport = new ForwardingTransport(owner.transport) {
            @Override
            public CompletableFuture<Reply> request(Contact to, Message request) {
                if (request instanceof Message.AttestRequest && mended.compareAndSet(false, true)) {
                    try {
                        owner.flipBitOfShard(hash, 5, 1_000);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return delegate.request(to, request);
            }
        };

        RepairReport repair = owner.replication.repair(hash);

        assertTrue(mended.get(), "the good copy came back between the local check and the repair");
        assertInstanceOf(RepairAction.CorruptLocal.class, repair.before(), "the check saw it corrupt");
        assertEquals(FragmentCheck.GOOD, owner.fragments.verify(hash, 5));
        assertEquals(List.of(), owner.fragments.quarantined(), "the good copy was not set aside");
        assertTrue(repair.notes().stream().anyMatch(n -> n.contains("[5] failed the health check but were good"
                + " again")), repair.toString());
        assertInstanceOf(RepairAction.Healthy.class, repair.after(), repair.toString());
    }

    @Test
    void aPutTheNodeStoppedInIsFinishedAfterARestartAndOneNeverStoredIsReported() throws Exception {
        start(7);
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("unfinished.bin", 1_500_000, 5);
        long stored = owner.journal.putStarted(file.toString(), Files.size(file));
        ContentHash hash;
        try (var in = Files.newInputStream(file)) {
            hash = owner.blobs.write(in);
        }
        owner.journal.putStored(stored, hash);
        long neverStored = owner.journal.putStarted(dir.resolve("other.bin").toString(), 10);
        Path unfinishedWrite = owner.dir.resolve("fragments").resolve(hash.hex()).resolve("003.shard.42.tmp");
        Files.createDirectories(unfinishedWrite.getParent());
        Files.write(unfinishedWrite, new byte[100]);

        owner = cluster.restart(0);
        assertFalse(Files.exists(unfinishedWrite), "a half-written fragment is not kept");
        assertTrue(owner.fragments.list(hash).isEmpty(), "and nothing half-written is indexed");
        cluster.awaitConverged();
        owner.replication.startupTasks().run();

        Map<Long, PutRecord> puts = new java.util.HashMap<>();
        owner.journal.recentPuts(10).forEach(p -> puts.put(p.id(), p));
        assertTrue(puts.get(stored).ended());
        assertTrue(puts.get(stored).outcome().startsWith("completed after a restart"), puts.get(stored).outcome());
        assertTrue(puts.get(neverStored).outcome().contains("run tesseras:put"), puts.get(neverStored).outcome());
        assertEquals(List.of(), owner.journal.unfinishedPuts());
        assertEquals(24, owner.fragments.list(hash).size());
        assertFalse(holders(hash).isEmpty(), "placed on peers");
        assertInstanceOf(RepairAction.Healthy.class, owner.replication.checkHealth(hash).action());
        Optional<StoredFragment> any = owner.fragments.find(hash, 0);
        assertTrue(any.isPresent());
    }

    @Test
    void aFragmentThatCannotBeCommittedFailsThePutAndPuttingAgainCompletesTheSetAndPlacesIt() throws Exception {
        start(7);
        TestNode owner = cluster.owner();
        Path file = cluster.randomFile("blocked.bin", 1_500_000, 9);
        ContentHash hash;
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(file)) {
            hash = owner.hasher.hash(in).checksum();
        }
        // a directory where shard 5 goes: renaming the written shard onto it fails, as on a damaged disk
        Path blocker = owner.dir.resolve("fragments").resolve(hash.hex()).resolve("005.shard");
        Files.createDirectories(blocker);

        IOException failed = assertThrows(IOException.class,
                () -> owner.replication.replicate(file, ProgressListener.NONE));
        assertTrue(failed.getMessage().contains("005.shard"), failed.toString());
        assertTrue(owner.fragments.find(hash, 5).isEmpty(), "fragment 5 is not held");
        assertTrue(owner.blobs.exists(hash), "the tessera is kept");
        assertTrue(holders(hash).isEmpty(), "nothing was pushed with a local set short of a fragment");
        assertTrue(owner.journal.recentPuts(1).get(0).outcome().startsWith("failed"),
                owner.journal.recentPuts(1).toString());

        Files.delete(blocker);
        PlacementReport again = owner.replication.replicate(file, ProgressListener.NONE);
        assertEquals(24, owner.fragments.list(hash).size(), "putting again encodes the missing one");
        assertEquals(24, again.fragmentsPlaced(), again.toString());
        assertGetGives(cluster.nodes.get(6), hash, file, "blocked.copy");
    }
}
