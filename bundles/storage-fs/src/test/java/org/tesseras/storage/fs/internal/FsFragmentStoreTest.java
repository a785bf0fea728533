package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore.FragmentWriter;
import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;

class FsFragmentStoreTest {
    private static final int SHARD_BYTES = 1000;
    private static final NodeId PEER = NodeId.of("0123456789abcdef0123456789abcdef01234567");

    @TempDir
    Path tempDir;

    private final Hasher hasher = new Blake3Hasher();
    private final Random random = new Random(42);
    private DerbyNodeDataSource db;
    private Path root;
    private FsFragmentStore store;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.inMemory();
        root = tempDir.resolve("root");
        store = new FsFragmentStore(db, hasher, root);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private FsFragmentStore reactivate() throws IOException {
        return new FsFragmentStore(db, hasher, root);
    }

    private ContentHash randomHash() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new ContentHash(bytes);
    }

    /** A MEDIUM plan of 4 data + 2 parity shards of SHARD_BYTES each. */
    private FragmentPlan mediumPlan() {
        return FragmentPlan.of(randomHash(), 4L * SHARD_BYTES, FragmentationTier.MEDIUM, 4, 2, 7);
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private FragmentId idOf(FragmentPlan plan, int index, byte[] bytes) {
        return new FragmentId(plan.tesseraHash(), index, plan.totalShards(), hasher.hash(bytes));
    }

    private StoredFragment put(FragmentPlan plan, int index, byte[] bytes) throws IOException {
        return store.store(idOf(plan, index, bytes), plan, new ByteArrayInputStream(bytes), Optional.of(PEER));
    }

    private Path shard(FragmentPlan plan, int index) {
        return root.resolve("fragments").resolve(plan.tesseraHash().hex()).resolve(String.format("%03d.shard", index));
    }

    private static byte[] readAll(SeekableByteChannel channel) throws IOException {
        try (channel) {
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading
            }
            return buffer.array();
        }
    }

    private List<String> filesUnder(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(p -> directory.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    // ---- storing ----

    @Test
    void storesAFragmentAsAShardFileAndAnIndexRow() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        StoredFragment stored = put(plan, 4, bytes);

        assertEquals(idOf(plan, 4, bytes), stored.id());
        assertTrue(stored.parity(), "index 4 of a 4+2 plan is parity");
        assertEquals(SHARD_BYTES, stored.sizeBytes());
        assertEquals(Optional.of(PEER), stored.originPeer());
        assertArrayEquals(bytes, Files.readAllBytes(shard(plan, 4)));
        assertEquals(List.of(plan.tesseraHash().hex() + "/004.shard"), filesUnder(root.resolve("fragments")));
        assertEquals(Optional.of(stored), store.find(plan.tesseraHash(), 4));
        assertArrayEquals(bytes, readAll(store.open(plan.tesseraHash(), 4).orElseThrow()));
        assertEquals(Optional.of(plan), store.plan(plan.tesseraHash()));
        assertEquals(List.of(plan.tesseraHash()), store.listTesseras());
    }

    @Test
    void listsHeldFragmentsOrderedByIndex() throws IOException {
        FragmentPlan plan = mediumPlan();
        for (int index : new int[] {5, 0, 3}) {
            put(plan, index, randomBytes(SHARD_BYTES));
        }
        put(mediumPlan(), 1, randomBytes(SHARD_BYTES));
        assertEquals(List.of(0, 3, 5), store.list(plan.tesseraHash()).stream().map(f -> f.id().index()).toList());
        assertEquals(2, store.listTesseras().size());
        assertEquals(List.of(), store.list(randomHash()));
    }

    @Test
    void aWrongChecksumLeavesNothingBehind() throws IOException, SQLException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        FragmentId claimed = idOf(plan, 2, randomBytes(SHARD_BYTES));

        FragmentIntegrityException refused = assertThrows(FragmentIntegrityException.class,
                () -> store.store(claimed, plan, new ByteArrayInputStream(bytes), Optional.empty()));
        assertTrue(refused.getMessage().contains(plan.tesseraHash() + "/2"), refused.getMessage());
        assertTrue(refused.getMessage().contains(claimed.checksum().hex()), refused.getMessage());
        assertTrue(refused.getMessage().contains(hasher.hash(bytes).hex()), refused.getMessage());

        assertEquals(List.of(), filesUnder(root.resolve("fragments")), "no shard and no temp file");
        assertEquals(Optional.empty(), store.find(plan.tesseraHash(), 2));
        assertEquals(0, count("SELECT COUNT(*) FROM fragments"));
        assertEquals(Optional.empty(), store.plan(plan.tesseraHash()), "a refused fragment records no plan");
    }

    @Test
    void aShortOrLongFragmentIsRefusedNamingBothLengths() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] shortBytes = randomBytes(SHARD_BYTES - 1);
        FragmentIntegrityException tooShort = assertThrows(FragmentIntegrityException.class,
                () -> store.store(idOf(plan, 0, shortBytes), plan, new ByteArrayInputStream(shortBytes),
                        Optional.empty()));
        assertTrue(tooShort.getMessage().contains("expected 1000 bytes, got 999"), tooShort.getMessage());

        byte[] longBytes = randomBytes(SHARD_BYTES + 1);
        FragmentIntegrityException tooLong = assertThrows(FragmentIntegrityException.class,
                () -> store.store(idOf(plan, 0, longBytes), plan, new ByteArrayInputStream(longBytes),
                        Optional.empty()));
        assertTrue(tooLong.getMessage().contains(plan.tesseraHash() + "/0"), tooLong.getMessage());
        assertTrue(tooLong.getMessage().contains("expected 1000 bytes"), tooLong.getMessage());

        assertEquals(List.of(), filesUnder(root.resolve("fragments")));
        assertEquals(Optional.empty(), store.find(plan.tesseraHash(), 0));
    }

    @Test
    void aFragmentLargerThanTheBufferIsStreamedAndHashedWhole() throws IOException {
        int size = 3 * StorageRoot.BUFFER_BYTES + 17;
        FragmentPlan plan = FragmentPlan.of(randomHash(), 2L * size, FragmentationTier.MEDIUM, 2, 1, 7);
        byte[] bytes = randomBytes(size);
        InputStream trickle = new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(length, 5000), bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
        StoredFragment stored = store.store(idOf(plan, 1, bytes), plan, trickle, Optional.empty());
        assertEquals(size, stored.sizeBytes());
        assertArrayEquals(bytes, Files.readAllBytes(shard(plan, 1)));
        assertEquals(FragmentCheck.GOOD, store.verify(plan.tesseraHash(), 1));
    }

    @Test
    void storingAnIdenticalFragmentAgainReturnsTheHeldOne() throws IOException, SQLException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        StoredFragment first = put(plan, 1, bytes);
        StoredFragment second = store.store(idOf(plan, 1, bytes), plan, new ByteArrayInputStream(bytes),
                Optional.empty());
        assertEquals(first, second, "the held row, with its first origin peer and time");
        assertEquals(List.of(plan.tesseraHash().hex() + "/001.shard"), filesUnder(root.resolve("fragments")));
        assertEquals(1, count("SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void otherBytesForAHeldFragmentAreRefusedAndTheHeldOneKept() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        put(plan, 1, bytes);
        byte[] other = randomBytes(SHARD_BYTES);
        FragmentIntegrityException refused = assertThrows(FragmentIntegrityException.class,
                () -> store.store(idOf(plan, 1, other), plan, new ByteArrayInputStream(other), Optional.empty()));
        assertTrue(refused.getMessage().contains("already held"), refused.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(shard(plan, 1)));
        assertEquals(hasher.hash(bytes), store.find(plan.tesseraHash(), 1).orElseThrow().id().checksum());
        assertEquals(List.of(plan.tesseraHash().hex() + "/001.shard"), filesUnder(root.resolve("fragments")));
    }

    @Test
    void aDifferentPlanForTheSameTesseraIsRefused() throws IOException {
        FragmentPlan plan = mediumPlan();
        store.savePlan(plan);
        store.savePlan(plan);
        FragmentPlan other = FragmentPlan.of(plan.tesseraHash(), plan.tesseraSize(), FragmentationTier.MEDIUM, 4, 2, 5);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> store.savePlan(other));
        assertTrue(refused.getMessage().contains(plan.tesseraHash().hex()), refused.getMessage());

        byte[] bytes = randomBytes(SHARD_BYTES);
        assertThrows(IllegalArgumentException.class,
                () -> store.store(idOf(other, 0, bytes), other, new ByteArrayInputStream(bytes), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> store.create(other, 0));
        assertEquals(Optional.of(plan), store.plan(plan.tesseraHash()));
        assertEquals(List.of(), filesUnder(root.resolve("fragments")));
    }

    @Test
    void aFragmentOfAnotherStripeIsRefused() {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        FragmentId wrongWidth = new FragmentId(plan.tesseraHash(), 0, 9, hasher.hash(bytes));
        assertThrows(IllegalArgumentException.class,
                () -> store.store(wrongWidth, plan, new ByteArrayInputStream(bytes), Optional.empty()));
    }

    // ---- writers ----

    @Test
    void aWriterComputesTheChecksumAsItWrites() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        StoredFragment stored;
        try (FragmentWriter writer = store.create(plan, 3)) {
            writer.write(ByteBuffer.wrap(bytes, 0, 400));
            writer.write(ByteBuffer.wrap(bytes, 400, 600));
            assertEquals(List.of(), store.list(plan.tesseraHash()), "nothing is visible before commit");
            stored = writer.commit();
        }
        assertEquals(hasher.hash(bytes), stored.id().checksum());
        assertEquals(Optional.empty(), stored.originPeer());
        assertArrayEquals(bytes, Files.readAllBytes(shard(plan, 3)));
        assertEquals(List.of(stored), store.list(plan.tesseraHash()));
    }

    @Test
    void aWriterWhoseSourceChecksumsRecordsThatChecksumAndAHashingOneChecksAGivenOne() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        ContentHash checksum = hasher.hash(bytes);
        StoredFragment stored;
        try (FragmentWriter writer = store.createChecksummedBySource(plan, 4)) {
            writer.write(ByteBuffer.wrap(bytes));
            assertThrows(IllegalStateException.class, writer::commit, "it has no checksum of its own");
            stored = writer.commit(checksum);
        }
        assertEquals(checksum, stored.id().checksum());
        assertArrayEquals(bytes, Files.readAllBytes(shard(plan, 4)));
        assertEquals(FragmentCheck.GOOD, store.verify(plan.tesseraHash(), 4));

        FragmentWriter hashing = store.create(plan, 5);
        hashing.write(ByteBuffer.wrap(randomBytes(SHARD_BYTES)));
        FragmentIntegrityException wrong = assertThrows(FragmentIntegrityException.class,
                () -> hashing.commit(checksum));
        assertTrue(wrong.getMessage().contains("wrong checksum"), wrong.getMessage());
        assertTrue(store.find(plan.tesseraHash(), 5).isEmpty());
        assertTrue(Files.notExists(shard(plan, 5)));
    }

    @Test
    void aWriterClosedWithoutCommitOrTooShortLeavesNothing() throws IOException {
        FragmentPlan plan = mediumPlan();
        try (FragmentWriter writer = store.create(plan, 0)) {
            writer.write(ByteBuffer.wrap(randomBytes(SHARD_BYTES)));
        }
        FragmentWriter shortWriter = store.create(plan, 1);
        shortWriter.write(ByteBuffer.wrap(randomBytes(10)));
        FragmentIntegrityException tooShort = assertThrows(FragmentIntegrityException.class, shortWriter::commit);
        assertTrue(tooShort.getMessage().contains("expected 1000 bytes, got 10"), tooShort.getMessage());
        assertFalse(shortWriter.isOpen());

        FragmentWriter longWriter = store.create(plan, 2);
        assertThrows(FragmentIntegrityException.class,
                () -> longWriter.write(ByteBuffer.wrap(randomBytes(SHARD_BYTES + 1))));
        assertFalse(longWriter.isOpen());

        assertEquals(List.of(), filesUnder(root.resolve("fragments")));
        assertEquals(List.of(), store.list(plan.tesseraHash()));
    }

    // ---- verify, delete, usage ----

    @Test
    void verifyTellsGoodCorruptAndMissingAndRecordsTheCheck() throws IOException {
        FragmentPlan plan = mediumPlan();
        put(plan, 0, randomBytes(SHARD_BYTES));
        put(plan, 1, randomBytes(SHARD_BYTES));
        StoredFragment third = put(plan, 2, randomBytes(SHARD_BYTES));
        assertEquals(Optional.empty(), store.find(plan.tesseraHash(), 0).orElseThrow().lastVerified());

        byte[] damaged = Files.readAllBytes(shard(plan, 1));
        damaged[500] ^= 1;
        Files.write(shard(plan, 1), damaged);
        Files.delete(shard(plan, 2));

        assertEquals(FragmentCheck.GOOD, store.verify(plan.tesseraHash(), 0));
        assertEquals(FragmentCheck.CORRUPT, store.verify(plan.tesseraHash(), 1));
        assertEquals(FragmentCheck.MISSING, store.verify(plan.tesseraHash(), 2));
        assertEquals(FragmentCheck.MISSING, store.verify(plan.tesseraHash(), 3), "never held");

        assertTrue(store.find(plan.tesseraHash(), 0).orElseThrow().lastVerified().isPresent());
        assertTrue(store.find(plan.tesseraHash(), 1).orElseThrow().lastVerified().isPresent());
        assertEquals(List.of(third.id()), store.lostFragments());
        assertEquals(List.of(0, 1), store.list(plan.tesseraHash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    void aTruncatedFileIsCorrupt() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        put(plan, 0, bytes);
        Files.write(shard(plan, 0), java.util.Arrays.copyOf(bytes, 999));
        assertEquals(FragmentCheck.CORRUPT, store.verify(plan.tesseraHash(), 0));
    }

    @Test
    void aLostFragmentCanBeStoredAgain() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        put(plan, 2, bytes);
        Files.delete(shard(plan, 2));
        assertEquals(FragmentCheck.MISSING, store.verify(plan.tesseraHash(), 2));
        assertEquals(1, store.lostFragments().size());

        put(plan, 2, bytes);
        assertEquals(List.of(), store.lostFragments());
        assertEquals(FragmentCheck.GOOD, store.verify(plan.tesseraHash(), 2));
    }

    @Test
    void openingAFragmentWhoseFileVanishedMarksItLost() throws IOException {
        FragmentPlan plan = mediumPlan();
        put(plan, 0, randomBytes(SHARD_BYTES));
        Files.delete(shard(plan, 0));
        assertEquals(Optional.empty(), store.open(plan.tesseraHash(), 0));
        assertEquals(List.of(0), store.lostFragments().stream().map(FragmentId::index).toList());
        assertEquals(Optional.empty(), store.open(plan.tesseraHash(), 1), "never held");
    }

    @Test
    void deleteRemovesFileAndRow() throws IOException {
        FragmentPlan plan = mediumPlan();
        put(plan, 0, randomBytes(SHARD_BYTES));
        put(plan, 1, randomBytes(SHARD_BYTES));
        assertTrue(store.delete(plan.tesseraHash(), 0));
        assertFalse(store.delete(plan.tesseraHash(), 0));
        assertFalse(Files.exists(shard(plan, 0)));
        assertEquals(Optional.empty(), store.find(plan.tesseraHash(), 0));
        assertEquals(List.of(plan.tesseraHash().hex() + "/001.shard"), filesUnder(root.resolve("fragments")));

        Files.delete(shard(plan, 1));
        assertEquals(FragmentCheck.MISSING, store.verify(plan.tesseraHash(), 1));
        assertTrue(store.delete(plan.tesseraHash(), 1), "a lost row is removed too");
        assertEquals(List.of(), store.lostFragments());
    }

    @Test
    void usageCountsHeldFragmentsAndFreeDisk() throws IOException {
        assertEquals(0, store.usage().fragmentCount());
        FragmentPlan plan = mediumPlan();
        put(plan, 0, randomBytes(SHARD_BYTES));
        put(plan, 1, randomBytes(SHARD_BYTES));
        put(plan, 2, randomBytes(SHARD_BYTES));
        Files.delete(shard(plan, 2));
        store.verify(plan.tesseraHash(), 2);
        StorageUsage usage = store.usage();
        assertEquals(2, usage.fragmentCount());
        assertEquals(2L * SHARD_BYTES, usage.usedBytes());
        assertTrue(usage.freeBytes() > 0 && usage.freeBytes() <= Files.getFileStore(root).getTotalSpace(),
                "free space of the store's own disk");
    }

    @Test
    void concurrentStoresOfOneNewTesseraAllLand() throws Exception {
        FragmentPlan plan = mediumPlan();
        List<byte[]> shards = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            shards.add(randomBytes(SHARD_BYTES));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2 * plan.totalShards());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StoredFragment>> results = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < plan.totalShards(); i++) {
                    int index = i;
                    Callable<StoredFragment> task = () -> {
                        start.await();
                        return put(plan, index, shards.get(index));
                    };
                    results.add(pool.submit(task));
                }
            }
            start.countDown();
            for (Future<StoredFragment> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(plan.totalShards(), store.list(plan.tesseraHash()).size());
        for (int i = 0; i < plan.totalShards(); i++) {
            assertArrayEquals(shards.get(i), Files.readAllBytes(shard(plan, i)));
            assertEquals(FragmentCheck.GOOD, store.verify(plan.tesseraHash(), i));
        }
        assertEquals(plan.totalShards(), filesUnder(root.resolve("fragments")).size(), "no temp file left");
    }

    // ---- crash points, reconciled at activation ----

    @Test
    void crashWhileWritingLeavesATempFileThatActivationRemoves() throws IOException, SQLException {
        FragmentPlan plan = mediumPlan();
        Path directory = shard(plan, 0).getParent();
        Files.createDirectories(directory);
        Files.write(directory.resolve("000.shard.8214631.tmp"), randomBytes(400));

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().tempFilesRemoved());
        assertEquals(List.of(), filesUnder(root.resolve("fragments")));
        assertEquals(0, count("SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void crashBetweenRenameAndInsertIsReindexedWhenThePlanIsKnown() throws IOException {
        FragmentPlan plan = mediumPlan();
        put(plan, 0, randomBytes(SHARD_BYTES));
        byte[] orphan = randomBytes(SHARD_BYTES);
        Files.write(shard(plan, 3), orphan);

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().orphansReindexed());
        StoredFragment adopted = restarted.find(plan.tesseraHash(), 3).orElseThrow();
        assertEquals(hasher.hash(orphan), adopted.id().checksum(), "checksum recomputed from the file");
        assertEquals(Optional.empty(), adopted.originPeer());
        assertFalse(adopted.parity());
        assertEquals(FragmentCheck.GOOD, restarted.verify(plan.tesseraHash(), 3));
        assertEquals(List.of(0, 3), restarted.list(plan.tesseraHash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    void aWholeCopyFoundWithoutItsRowIsKeptOnlyIfItHashesToTheTessera() throws IOException {
        byte[] tessera = randomBytes(1500);
        ContentHash tesseraHash = hasher.hash(tessera);
        FragmentPlan whole = FragmentPlan.of(tesseraHash, tessera.length, FragmentationTier.SMALL, 1, 0, 7);
        store.savePlan(whole);
        Files.createDirectories(shard(whole, 0).getParent());
        Files.write(shard(whole, 0), tessera);

        byte[] other = randomBytes(1500);
        FragmentPlan forged = FragmentPlan.of(randomHash(), other.length, FragmentationTier.SMALL, 1, 0, 7);
        store.savePlan(forged);
        Files.createDirectories(shard(forged, 0).getParent());
        Files.write(shard(forged, 0), other);

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().orphansReindexed());
        assertEquals(1, restarted.startupReport().orphansRemoved());
        assertEquals(tesseraHash, restarted.find(tesseraHash, 0).orElseThrow().id().checksum());
        assertEquals(Optional.empty(), restarted.find(forged.tesseraHash(), 0));
        assertFalse(Files.exists(shard(forged, 0)));
    }

    @Test
    void aFileWithoutRowIsRemovedWhenItsPlanIsUnknownOrItDoesNotFit() throws IOException {
        FragmentPlan unknown = mediumPlan();
        Files.createDirectories(shard(unknown, 0).getParent());
        Files.write(shard(unknown, 0), randomBytes(SHARD_BYTES));

        FragmentPlan known = mediumPlan();
        store.savePlan(known);
        Files.createDirectories(shard(known, 0).getParent());
        Files.write(shard(known, 1), randomBytes(SHARD_BYTES - 1));
        Files.write(shard(known, 7), randomBytes(SHARD_BYTES));

        FsFragmentStore restarted = reactivate();
        assertEquals(3, restarted.startupReport().orphansRemoved());
        assertEquals(0, restarted.startupReport().orphansReindexed());
        assertEquals(List.of(), filesUnder(root.resolve("fragments")));
        assertEquals(List.of(), restarted.list(known.tesseraHash()));
        assertEquals(Optional.empty(), restarted.plan(unknown.tesseraHash()));
    }

    @Test
    void aRowWithoutItsFileIsMarkedLostAndReported() throws IOException {
        FragmentPlan plan = mediumPlan();
        StoredFragment kept = put(plan, 0, randomBytes(SHARD_BYTES));
        StoredFragment gone = put(plan, 1, randomBytes(SHARD_BYTES));
        Files.delete(shard(plan, 1));

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().rowsMarkedLost());
        assertEquals(List.of(gone.id()), restarted.lostFragments());
        assertEquals(List.of(kept), restarted.list(plan.tesseraHash()));
        assertEquals(Optional.empty(), restarted.find(plan.tesseraHash(), 1));
        assertEquals(FragmentCheck.MISSING, restarted.verify(plan.tesseraHash(), 1));
        assertEquals(0, reactivate().startupReport().rowsMarkedLost(), "marked once");
    }

    @Test
    void aLostFragmentWhoseFileCameBackIntactIsHeldAgain() throws IOException {
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        put(plan, 0, bytes);
        Path away = tempDir.resolve("away");
        Files.move(shard(plan, 0), away);
        assertEquals(1, reactivate().startupReport().rowsMarkedLost());

        Files.createDirectories(shard(plan, 0).getParent());
        Files.move(away, shard(plan, 0));
        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().lostRowsRecovered());
        assertEquals(List.of(), restarted.lostFragments());
        assertEquals(1, restarted.list(plan.tesseraHash()).size());
    }

    @Test
    void anInterruptedDeletionIsFinishedAtActivation() throws IOException, SQLException {
        FragmentPlan plan = mediumPlan();
        put(plan, 0, randomBytes(SHARD_BYTES));
        put(plan, 1, randomBytes(SHARD_BYTES));
        Files.move(shard(plan, 0), shard(plan, 0).resolveSibling("000.shard.deleting"));

        FsFragmentStore restarted = reactivate();
        assertEquals(1, restarted.startupReport().deletionsCompleted());
        assertEquals(List.of(1), restarted.list(plan.tesseraHash()).stream().map(f -> f.id().index()).toList());
        assertEquals(List.of(), restarted.lostFragments());
        assertEquals(List.of(plan.tesseraHash().hex() + "/001.shard"), filesUnder(root.resolve("fragments")));
    }

    @Test
    void aRestartOnDiskKeepsEveryFragment() throws Exception {
        db.close();
        String directory = tempDir.resolve("db").toString();
        db = TestDatabase.open(directory);
        store = new FsFragmentStore(db, hasher, root);
        FragmentPlan plan = mediumPlan();
        List<StoredFragment> stored = List.of(put(plan, 0, randomBytes(SHARD_BYTES)),
                put(plan, 5, randomBytes(SHARD_BYTES)));
        db.close();

        db = TestDatabase.open(directory);
        FsFragmentStore restarted = new FsFragmentStore(db, hasher, root);
        assertEquals(new FsFragmentStore.ReconcileReport(0, 0, 0, 0, 0, 0), restarted.startupReport());
        assertEquals(stored, restarted.list(plan.tesseraHash()));
        assertEquals(Optional.of(plan), restarted.plan(plan.tesseraHash()));
    }

    // ---- hostile input ----

    @Test
    void indexesOutsideTheStripeRangeAreRefusedBeforeAnyPathIsBuilt() throws IOException {
        FragmentPlan plan = mediumPlan();
        ContentHash hash = plan.tesseraHash();
        for (int index : new int[] {-1, 256, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> store.find(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.open(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.verify(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.delete(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.create(plan, index));
        }
        assertThrows(IllegalArgumentException.class, () -> store.create(plan, 6), "index 6 of a 4+2 plan");
        assertEquals(List.of(), filesUnder(tempDir));
    }

    @Test
    void aHostilePathInTheIndexCannotReachOutsideTheRoot() throws IOException, SQLException {
        Path victim = tempDir.resolve("victim.txt");
        Files.writeString(victim, "not yours");
        FragmentPlan plan = mediumPlan();
        byte[] bytes = randomBytes(SHARD_BYTES);
        put(plan, 0, bytes);
        String hostile = root.relativize(victim).toString();
        assertTrue(hostile.startsWith(".."), hostile);
        assertEquals(1, TestDatabase.update(db, "UPDATE fragments SET path = '" + hostile + "'"));
        Files.delete(shard(plan, 0));

        assertEquals(FragmentCheck.MISSING, store.verify(plan.tesseraHash(), 0));
        assertEquals(Optional.empty(), store.open(plan.tesseraHash(), 0));
        assertTrue(store.delete(plan.tesseraHash(), 0));
        reactivate();
        assertEquals("not yours", Files.readString(victim));
        for (int index = 0; index < FragmentPlan.MAX_TOTAL_SHARDS; index++) {
            assertTrue(store.shardPath(randomHash(), index).startsWith(root.resolve("fragments")));
        }
    }

    @Test
    void activationIgnoresWhatIsNotATesseraDirectoryAndDoesNotFollowLinks() throws IOException {
        Path outside = Files.createDirectories(tempDir.resolve("outside"));
        Files.writeString(outside.resolve("000.shard.1.tmp"), "keep me");
        Files.writeString(outside.resolve("000.shard"), "keep me too");
        Path fragments = root.resolve("fragments");
        Files.createSymbolicLink(fragments.resolve(randomHash().hex()), outside);
        Path notAHash = Files.createDirectories(fragments.resolve("NOT-A-HASH"));
        Files.writeString(notAHash.resolve("000.shard.2.tmp"), "not ours to judge");
        Path upperCase = Files.createDirectories(fragments.resolve(randomHash().hex().toUpperCase()));
        Files.writeString(upperCase.resolve("000.shard"), "not ours to judge");

        FsFragmentStore restarted = reactivate();
        assertEquals(new FsFragmentStore.ReconcileReport(0, 0, 0, 0, 0, 0), restarted.startupReport());
        assertEquals(List.of("000.shard", "000.shard.1.tmp"), filesUnder(outside));
        assertTrue(Files.exists(notAHash.resolve("000.shard.2.tmp")));
        assertTrue(Files.exists(upperCase.resolve("000.shard")));
    }

    @Test
    void theConfiguredRootIsUsedAndEmptyMeansKarafData() throws IOException {
        Path configured = tempDir.resolve("configured");
        FsFragmentStore configuredStore = new FsFragmentStore(db, hasher, config(configured.toString()));
        assertEquals(configured.resolve("fragments"), configuredStore.fragmentsDirectory());

        String previous = System.getProperty("karaf.data");
        System.setProperty("karaf.data", tempDir.resolve("karaf-data").toString());
        try {
            FsFragmentStore defaulted = new FsFragmentStore(db, hasher, config(""));
            assertEquals(tempDir.resolve("karaf-data").resolve("tesseras").resolve("fragments"),
                    defaulted.fragmentsDirectory());
        } finally {
            if (previous == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", previous);
            }
        }
    }

    static StorageConfiguration config(String rootDirectory) {
        return new StorageConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StorageConfiguration.class;
            }

            @Override
            public String rootDirectory() {
                return rootDirectory;
            }
        };
    }
}
