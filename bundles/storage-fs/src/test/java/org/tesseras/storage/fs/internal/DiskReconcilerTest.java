package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.storage.fs.internal.StoreFixture.SHARD_BYTES;
import static org.tesseras.storage.fs.internal.StoreFixture.count;
import static org.tesseras.storage.fs.internal.StoreFixture.filesUnder;
import static org.tesseras.storage.fs.internal.StoreFixture.shardsUnder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TestManifests;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;
import org.tesseras.storage.fs.internal.StoreFixture.Stripe;

/** The files are the truth: what activation and {@code reindex} make of the disk after crashes and lost indexes. */
class DiskReconcilerTest {
    @TempDir
    Path tempDir;

    private StoreFixture fixture;
    private DerbyNodeDataSource db;
    private FsFragmentStore store;

    @BeforeEach
    void open() throws Exception {
        fixture = new StoreFixture(tempDir.resolve("root"));
        db = TestDatabase.inMemory();
        store = new FsFragmentStore(db, fixture.hasher, fixture.root);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private FsFragmentStore reactivate() throws IOException {
        return new FsFragmentStore(db, fixture.hasher, fixture.root);
    }

    private Stripe stored(int... indices) throws IOException {
        Stripe stripe = fixture.recorded(store);
        for (int index : indices) {
            fixture.put(store, stripe, index);
        }
        return stripe;
    }

    @Test
    void filesOnDiskWithAnEmptyDatabaseRebuildTheWholeIndexAndNothingIsDeleted() throws Exception {
        List<Stripe> stripes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stripes.add(stored(0, 1, 2, 3, 4, 5));
        }
        List<String> before = filesUnder(fixture.root);
        db.close();

        db = TestDatabase.inMemory();
        FsFragmentStore rebuilt = reactivate();
        ReindexReport report = rebuilt.startupReport();
        assertEquals(3, report.tesseraDirectories());
        assertEquals(3, report.manifests());
        assertEquals(18, report.indexed());
        assertEquals(0, report.quarantined());
        assertEquals(before, filesUnder(fixture.root), "every file is still where it was");
        for (Stripe stripe : stripes) {
            assertEquals(Optional.of(stripe.manifest()), rebuilt.manifest(stripe.hash()));
            assertEquals(List.of(0, 1, 2, 3, 4, 5),
                    rebuilt.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
            for (int index = 0; index < 6; index++) {
                assertEquals(stripe.id(index), rebuilt.find(stripe.hash(), index).orElseThrow().id());
                assertEquals(FragmentCheck.GOOD, rebuilt.verify(stripe.hash(), index));
            }
        }
        assertTrue(reactivate().startupReport().nothingChanged(), "the next start finds the index in line");
    }

    @Test
    void aShardFileNoManifestExplainsIsQuarantinedNotDeleted() throws IOException, SQLException {
        Stripe stripe = stored(0);
        byte[] stray = fixture.randomBytes(SHARD_BYTES);
        Files.write(fixture.shard(stripe.hash(), 3), stray);
        byte[] tooShort = fixture.randomBytes(SHARD_BYTES - 1);
        Files.write(fixture.shard(stripe.hash(), 4), tooShort);
        Files.write(fixture.shard(stripe.hash(), 7), fixture.randomBytes(SHARD_BYTES));
        ContentHash orphanTessera = fixture.randomHash();
        Files.createDirectories(fixture.shard(orphanTessera, 0).getParent());
        Files.write(fixture.shard(orphanTessera, 0), fixture.randomBytes(SHARD_BYTES));

        FsFragmentStore restarted = reactivate();
        assertEquals(4, restarted.startupReport().quarantined());
        assertEquals(0, restarted.startupReport().indexed());
        assertEquals(List.of(0), restarted.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        assertEquals(List.of(stripe.hash().hex() + "/000.shard"), shardsUnder(fixture.fragments()));
        List<QuarantinedFile> quarantined = restarted.quarantined();
        assertEquals(4, quarantined.size());
        assertTrue(quarantined.stream().anyMatch(q -> q.reason().contains("no manifest explains it")), "" + quarantined);
        assertTrue(quarantined.stream().anyMatch(q -> q.reason().contains("hash to")), "" + quarantined);
        assertTrue(quarantined.stream().anyMatch(q -> q.reason().contains("999 bytes")), "" + quarantined);
        assertTrue(quarantined.stream().anyMatch(q -> q.reason().contains("only 6 shards")), "" + quarantined);
        List<byte[]> kept = new ArrayList<>();
        for (QuarantinedFile file : quarantined) {
            kept.add(Files.readAllBytes(fixture.quarantine().resolve(file.name())));
        }
        assertTrue(kept.stream().anyMatch(bytes -> java.util.Arrays.equals(bytes, stray)), "the stray bytes are kept");
        assertEquals(1, count(db, "SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void aShardRenamedIntoPlaceBeforeItsRowIsIndexedFromItsManifest() throws IOException {
        Stripe stripe = stored(0);
        Files.write(fixture.shard(stripe.hash(), 3), stripe.shards().get(3));

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().indexed());
        StoredFragment adopted = restarted.find(stripe.hash(), 3).orElseThrow();
        assertEquals(stripe.id(3), adopted.id());
        assertEquals(Optional.empty(), adopted.originPeer());
        assertEquals(FragmentCheck.GOOD, restarted.verify(stripe.hash(), 3));
    }

    @Test
    void aCrashWhileWritingLeavesTempFilesThatOnlyActivationRemoves() throws IOException, SQLException {
        Stripe stripe = stored(0);
        Path directory = fixture.shard(stripe.hash(), 0).getParent();
        Path unfinished = directory.resolve("001.shard.8214631.tmp");
        Files.write(unfinished, fixture.randomBytes(400));

        ReindexReport onDemand = store.reindex();
        assertTrue(Files.exists(unfinished), "a write may be under way while the node runs");
        assertTrue(onDemand.nothingChanged(), "" + onDemand);

        reactivate();
        assertFalse(Files.exists(unfinished));
        assertEquals(1, count(db, "SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void aManifestOnlyTheIndexHasIsWrittenBackToDisk() throws IOException {
        Stripe stripe = stored(0, 1);
        Path file = fixture.fragments().resolve(stripe.hash().hex()).resolve(ShardFiles.MANIFEST_FILE);
        Files.delete(file);

        ReindexReport report = reactivate().startupReport();
        assertTrue(Files.exists(file));
        assertEquals(Optional.of(stripe.manifest()),
                new ShardFiles(fixture.fragments(), fixture.hasher).readManifest(stripe.hash()));
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("written back")), "" + report.notes());
    }

    @Test
    void aDamagedManifestFileIsQuarantinedAndRewrittenFromTheIndex() throws IOException {
        Stripe stripe = stored(0, 1);
        Path file = fixture.fragments().resolve(stripe.hash().hex()).resolve(ShardFiles.MANIFEST_FILE);
        byte[] rotten = Files.readAllBytes(file);
        rotten[100] ^= 0x10;
        Files.write(file, rotten);

        FsFragmentStore restarted = reactivate();
        assertEquals(Optional.of(stripe.manifest()),
                new ShardFiles(fixture.fragments(), fixture.hasher).readManifest(stripe.hash()));
        assertEquals(List.of(0, 1), restarted.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        assertEquals(1, restarted.quarantined().size());
        assertTrue(restarted.quarantined().get(0).reason().contains("no longer match their checksum"),
                restarted.quarantined().get(0).reason());
    }

    @Test
    void aManifestOnDiskNewerThanItsRowWinsAndTheRowsItDoesNotExplainAreQuarantined() throws IOException {
        Stripe stripe = stored(0, 1, 2);
        byte[] replacement = fixture.randomBytes(SHARD_BYTES);
        var newer = TestManifests.withChecksum(stripe.manifest(), 2, fixture.hasher.hash(replacement));
        new ShardFiles(fixture.fragments(), fixture.hasher).writeManifest(newer);

        FsFragmentStore restarted = reactivate();
        assertEquals(Optional.of(newer), restarted.manifest(stripe.hash()));
        assertEquals(List.of(0, 1), restarted.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        assertEquals(1, restarted.startupReport().quarantined());
    }

    @Test
    void aRowWithoutItsFileIsMarkedLostOnceAndAFileThatCameBackIsHeldAgain() throws IOException {
        Stripe stripe = stored(0, 1);
        Path away = tempDir.resolve("away");
        Files.move(fixture.shard(stripe.hash(), 1), away);

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().markedLost());
        assertEquals(List.of(stripe.id(1)), restarted.lostFragments());
        assertEquals(0, reactivate().startupReport().markedLost(), "marked once");

        Files.move(away, fixture.shard(stripe.hash(), 1));
        FsFragmentStore back = reactivate();
        assertEquals(List.of(), back.lostFragments());
        assertEquals(2, back.list(stripe.hash()).size());
    }

    @Test
    void anInterruptedDeletionIsFinishedAtActivation() throws IOException {
        Stripe stripe = stored(0, 1);
        Path shard = fixture.shard(stripe.hash(), 0);
        Files.move(shard, shard.resolveSibling("000.shard.deleting"));

        FsFragmentStore restarted = reactivate();
        assertEquals(List.of(1), restarted.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        assertEquals(List.of(), restarted.lostFragments());
        assertEquals(List.of(stripe.hash().hex() + "/001.shard"), shardsUnder(fixture.fragments()));
    }

    @Test
    void aWholeCopyIsExplainedOnlyByItsOwnHash() throws IOException {
        byte[] tessera = fixture.randomBytes(1500);
        ContentHash hash = fixture.hasher.hash(tessera);
        FragmentPlan whole = FragmentPlan.of(hash, tessera.length, FragmentationTier.SMALL, 1, 0, 7);
        store.saveManifest(TestManifests.unsigned(whole));
        Files.write(fixture.shard(hash, 0), tessera);

        FsFragmentStore restarted = reactivate();
        assertEquals(hash, restarted.find(hash, 0).orElseThrow().id().checksum());
        Path copy = fixture.shard(hash, 0);
        byte[] rotten = tessera.clone();
        rotten[7] ^= 1;
        restarted.delete(hash, 0);
        Files.write(copy, rotten);
        FsFragmentStore again = reactivate();
        assertEquals(Optional.empty(), again.find(hash, 0));
        assertEquals(1, again.quarantined().size());
        assertArrayEquals(rotten, Files.readAllBytes(fixture.quarantine().resolve(again.quarantined().get(0).name())));
    }

    @Test
    void aRestartOnDiskKeepsEveryFragment() throws Exception {
        db.close();
        String directory = tempDir.resolve("db").toString();
        db = TestDatabase.open(directory);
        store = new FsFragmentStore(db, fixture.hasher, fixture.root);
        Stripe stripe = stored(0, 5);
        List<StoredFragment> held = store.list(stripe.hash());
        db.close();

        db = TestDatabase.open(directory);
        FsFragmentStore restarted = new FsFragmentStore(db, fixture.hasher, fixture.root);
        assertTrue(restarted.startupReport().nothingChanged(), "" + restarted.startupReport());
        assertEquals(held, restarted.list(stripe.hash()));
        assertEquals(Optional.of(stripe.manifest()), restarted.manifest(stripe.hash()));
    }

    @Test
    void activationIgnoresWhatIsNotATesseraDirectoryAndDoesNotFollowLinks() throws IOException {
        Path outside = Files.createDirectories(tempDir.resolve("outside"));
        Files.writeString(outside.resolve("000.shard.1.tmp"), "keep me");
        Files.writeString(outside.resolve("000.shard"), "keep me too");
        Path fragments = fixture.fragments();
        Files.createSymbolicLink(fragments.resolve(fixture.randomHash().hex()), outside);
        Path notAHash = Files.createDirectories(fragments.resolve("NOT-A-HASH"));
        Files.writeString(notAHash.resolve("000.shard.2.tmp"), "not ours to judge");
        Path upperCase = Files.createDirectories(fragments.resolve(fixture.randomHash().hex().toUpperCase()));
        Files.writeString(upperCase.resolve("000.shard"), "not ours to judge");

        FsFragmentStore restarted = reactivate();
        assertEquals(0, restarted.startupReport().tesseraDirectories());
        assertTrue(restarted.startupReport().nothingChanged());
        assertEquals(List.of("000.shard", "000.shard.1.tmp"), filesUnder(outside));
        assertTrue(Files.exists(notAHash.resolve("000.shard.2.tmp")));
        assertTrue(Files.exists(upperCase.resolve("000.shard")));
    }

    @Test
    void aShardThatCameBackIsNotDeletedWhenTheIndexCannotRecordItHeldAgainAndTheNextReindexHoldsIt()
            throws Exception {
        Stripe stripe = stored(2);
        ContentHash hash = stripe.hash();
        Path file = fixture.shard(hash, 2);
        // the disk did not answer for a while: the row was marked lost, then the file was back
        Path away = file.resolveSibling("away");
        Files.move(file, away);
        assertTrue(store.open(hash, 2).isEmpty());
        assertTrue(store.find(hash, 2).isEmpty(), "marked lost");
        Files.move(away, file);
        // and now the database refuses to record the row held again
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE fragments ADD CONSTRAINT test_refuses_held_again"
                    + " CHECK (fragment_index <> 2 OR lost_at IS NOT NULL)");
        }

        IOException failed = assertThrows(IOException.class, () -> fixture.put(store, stripe, 2),
                "the owner's repair pushes the same fragment again");

        assertTrue(Files.isRegularFile(file), "the shard is still on disk");
        assertArrayEquals(stripe.shards().get(2), Files.readAllBytes(file));
        assertTrue(failed.getMessage().contains("kept"), failed.getMessage());
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE fragments DROP CONSTRAINT test_refuses_held_again");
        }
        store.reindex();
        assertEquals(FragmentCheck.GOOD, store.verify(hash, 2), "held again once the index can say so");
        assertTrue(store.find(hash, 2).isPresent());
    }
}
