package org.tesseras.storage.migration.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.model.BackendStatus;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.MigrationReport;
import org.tesseras.api.port.StorageBackend;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;
import org.tesseras.storage.fs.internal.FsTestBackend;
import org.tesseras.storage.s3.internal.S3StorageConfiguration;
import org.tesseras.storage.s3.internal.S3TestBackend;
import org.tesseras.storage.s3.internal.S3TestServer;

/**
 * Moving a node's storage from files to a real S3 server (S3Proxy on 127.0.0.1) and back, with the real
 * backends: nothing is lost, the source is emptied only of what verified at the target, and a migration that
 * lost its target half-way resumes by itself once the target is back.
 */
class StorageMigrationTest {
    private static S3TestServer server;

    @TempDir
    Path dir;

    private final Blake3Hasher hasher = new Blake3Hasher();
    private final ContractData data = new ContractData(hasher, 14);
    private String database;
    private DerbyNodeDataSource db;
    private FsTestBackend fs;
    private S3StorageConfiguration s3Config;
    private S3TestBackend s3;
    private StorageBackendsComponent backends;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void open() throws Exception {
        database = "memory:migration-" + UUID.randomUUID();
        db = TestDatabase.open(database);
        fs = new FsTestBackend(db, hasher, dir.resolve("fs"));
        s3Config = server.config();
        s3 = new S3TestBackend(s3Config, hasher);
        backends = new StorageBackendsComponent();
        backends.addBackend(fs);
        backends.addBackend(s3);
        backends.start(dir.resolve("journal"), Duration.ofMillis(300));
    }

    @AfterEach
    void close() throws Exception {
        backends.deactivate();
        s3.close();
        db.close();
    }

    @Test
    void everythingMovesToS3WhilePutsAndGetsGoOnAndSurvivesARestart() throws Exception {
        List<ContractData.Stripe> stripes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stripes.add(put(fs, data.stripe()));
        }
        // shards above the 5 MiB part size go up as multipart uploads
        stripes.add(put(fs, data.stripe(FragmentPlan.of(data.randomHash(), 12L << 20, FragmentationTier.MEDIUM, 2,
                1, 7))));
        Map<ContentHash, byte[]> blobs = new ConcurrentHashMap<>();
        for (int size : new int[] {1, 10_000, 100_000, 11 << 20}) {
            byte[] bytes = data.randomBytes(size);
            blobs.put(fs.blobs().write(new ByteArrayInputStream(bytes)), bytes);
        }
        assertEquals("fs", active().name());

        Load load = new Load(List.copyOf(stripes));
        load.start();
        MigrationReport report;
        try {
            load.awaitGets(20);
            report = backends.migrate("fs", "s3", (phase, done, total) -> {
            });
            load.awaitGets(load.gets.get() + 20);
        } finally {
            load.stop();
        }
        assertEquals(List.of(), load.failures, "gets and puts during the migration");
        assertTrue(load.gets.get() >= 40 && load.puts.get() > 0, load.gets + " gets, " + load.puts + " puts");
        assertTrue(report.complete(), report.toString());
        assertTrue(report.fragmentsCopied() >= 31 * 6L - 3, report.toString());
        assertEquals(blobs.size(), report.blobsCopied());
        assertEquals("s3", active().name());
        System.out.printf("fs -> s3 under load: %d manifests, %d fragments and %d blobs (%d bytes) copied and"
                + " verified in %d ms, %d removed from fs; %d gets and %d puts meanwhile%n", report.manifests(),
                report.fragmentsCopied(), report.blobsCopied(), report.bytesCopied(), report.took().toMillis(),
                report.removedFromSource(), load.gets.get(), load.puts.get());

        stripes.addAll(load.putStripes);
        assertHoldsAll(s3, stripes, blobs);
        assertEmpty(fs);

        // a restart: both backends opened again from what they keep; s3 stays the active one
        s3.close();
        db.close();
        db = TestDatabase.open(database);
        fs = new FsTestBackend(db, hasher, dir.resolve("fs"));
        s3 = new S3TestBackend(s3Config, hasher);
        assertTrue(s3.rank() > fs.rank(), "s3 rank " + s3.rank() + ", fs rank " + fs.rank());
        assertHoldsAll(s3, stripes, blobs);
        assertEmpty(fs);

        List<BackendStatus> statuses = backends.backends();
        assertEquals("s3", statuses.get(0).name());
        assertTrue(statuses.get(0).active());
    }

    @Test
    void aMigrationWhoseTargetGoesAwayFailsCleanlyAndResumesWhenItIsBack() throws Exception {
        List<ContractData.Stripe> stripes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stripes.add(put(fs, data.stripe()));
        }
        AtomicInteger items = new AtomicInteger();
        IOException failure = assertThrows(IOException.class, () -> backends.migrate("fs", "s3",
                (phase, done, total) -> {
                    if (items.incrementAndGet() == 8) {
                        s3.close();
                    }
                }));
        assertTrue(failure.getMessage().contains("storage backend s3"), failure.getMessage());
        assertHoldsAll(fs, stripes, Map.of());
        assertEquals("fs", active().name());
        assertTrue(backends.underWay().isPresent(), "the migration stays noted");

        backends.removeBackend(s3);
        s3 = new S3TestBackend(s3Config, hasher);
        backends.addBackend(s3);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (backends.underWay().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(backends.underWay().isPresent(), "the migration resumed by itself and finished");
        assertEquals("s3", active().name());
        assertHoldsAll(s3, stripes, Map.of());
        assertEmpty(fs);
    }

    @Test
    void aCorruptOrMissingFragmentAtTheSourceIsNotCopiedAndTheRestMoves() throws Exception {
        ContractData.Stripe corrupt = put(fs, data.stripe());
        ContractData.Stripe missing = put(fs, data.stripe());
        ContractData.Stripe whole = put(fs, data.stripe());
        byte[] bytes = Files.readAllBytes(fs.shardFile(corrupt.hash(), 2));
        bytes[17] ^= 1;
        Files.write(fs.shardFile(corrupt.hash(), 2), bytes);
        Files.delete(fs.shardFile(missing.hash(), 0));

        MigrationReport report = backends.migrate("fs", "s3", (phase, done, total) -> {
        });

        assertTrue(report.switched());
        assertEquals(2, report.kept().size(), report.kept().toString());
        assertTrue(report.kept().stream().anyMatch(k -> k.contains(corrupt.hash() + "#2") && k.contains("quarantine")),
                report.kept().toString());
        assertTrue(report.kept().stream().anyMatch(k -> k.contains(missing.hash() + "#0") && k.contains("lost")),
                report.kept().toString());
        assertTrue(s3.fragments().find(corrupt.hash(), 2).isEmpty(), "a corrupt fragment is not copied");
        assertTrue(s3.fragments().find(missing.hash(), 0).isEmpty());
        assertEquals(1, fs.fragments().quarantined().size(), "the corrupt one is kept in fs's quarantine");
        assertHoldsAll(s3, List.of(whole), Map.of());
        for (int index : new int[] {0, 1, 3, 4, 5}) {
            assertHolds(s3, corrupt, index);
        }
        for (int index = 1; index < 6; index++) {
            assertHolds(s3, missing, index);
        }
        assertEmpty(fs);
        assertTrue(s3.fragments().manifest(missing.hash()).isPresent(), "repair needs the manifest at s3");
    }

    @Test
    void itMovesBackToFilesAndRefusesWhatIsNotThere() throws Exception {
        ContractData.Stripe stripe = put(fs, data.stripe());
        assertTrue(backends.migrate("fs", "s3", (phase, done, total) -> {
        }).complete());
        MigrationReport back = backends.migrate("s3", "fs", (phase, done, total) -> {
        });
        assertTrue(back.complete(), back.toString());
        assertEquals("fs", active().name());
        assertHoldsAll(fs, List.of(stripe), Map.of());
        assertEmpty(s3);
        IOException absent = assertThrows(IOException.class, () -> backends.migrate("fs", "b2", (p, d, t) -> {
        }));
        assertTrue(absent.getMessage().contains("no storage backend named 'b2'"), absent.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backends.migrate("fs", "fs", (p, d, t) -> {
        }));
    }

    @Test
    void whatWorkStartedBeforeTheSwitchWritesToTheOldBackendAfterTheMigrationIsMovedByALaterLook() throws Exception {
        ContractData.Stripe before = put(fs, data.stripe());
        backends.followUps(List.of(Duration.ofMillis(500), Duration.ofSeconds(2)));
        MigrationReport report = backends.migrate("fs", "s3", (phase, done, total) -> {
        });
        assertTrue(report.complete(), report.toString());
        assertEmpty(fs);

        // a put that took fs's stores before the switch commits its fragments and its whole copy only now
        ContractData.Stripe late = put(fs, data.stripe());
        byte[] lateBlob = data.randomBytes(50_000);
        ContentHash lateBlobHash = fs.blobs().write(new ByteArrayInputStream(lateBlob));

        awaitEmpty(fs);
        assertEmpty(fs);
        assertEquals("s3", active().name());
        assertHoldsAll(s3, List.of(before, late), Map.of(lateBlobHash, lateBlob));

        // and once more, landing while the node was down: its next start looks at the old backend again
        backends.deactivate();
        ContractData.Stripe later = put(fs, data.stripe());
        backends = new StorageBackendsComponent();
        backends.followUps(List.of(Duration.ofMillis(200)));
        backends.addBackend(fs);
        backends.addBackend(s3);
        backends.start(dir.resolve("journal"), Duration.ofMillis(300));
        awaitEmpty(fs);
        assertEmpty(fs);
        assertHoldsAll(s3, List.of(before, late, later), Map.of(lateBlobHash, lateBlob));
    }

    private static void awaitEmpty(StorageBackend backend) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((!backend.fragments().listTesseras().isEmpty() || !backend.blobs().list().isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private StorageBackend active() {
        return fs.rank() >= s3.rank() ? fs : s3;
    }

    private ContractData.Stripe put(StorageBackend backend, ContractData.Stripe stripe) throws IOException {
        backend.fragments().saveManifest(stripe.manifest());
        for (int i = 0; i < stripe.shards().size(); i++) {
            backend.fragments().store(stripe.id(i), new ByteArrayInputStream(stripe.shards().get(i)),
                    Optional.empty());
        }
        return stripe;
    }

    private static void assertHoldsAll(StorageBackend backend, List<ContractData.Stripe> stripes,
            Map<ContentHash, byte[]> blobs) throws IOException {
        for (ContractData.Stripe stripe : stripes) {
            assertEquals(stripe.manifest(), backend.fragments().manifest(stripe.hash()).orElseThrow());
            for (int i = 0; i < stripe.shards().size(); i++) {
                assertHolds(backend, stripe, i);
            }
        }
        for (Map.Entry<ContentHash, byte[]> blob : blobs.entrySet()) {
            assertEquals(FragmentCheck.GOOD, backend.blobs().verify(blob.getKey()));
            try (SeekableByteChannel channel = backend.blobs().read(blob.getKey()).orElseThrow();
                    InputStream in = Channels.newInputStream(channel)) {
                assertArrayEquals(blob.getValue(), in.readAllBytes(), "blob " + blob.getKey());
            }
        }
    }

    private static void assertHolds(StorageBackend backend, ContractData.Stripe stripe, int index)
            throws IOException {
        assertEquals(FragmentCheck.GOOD, backend.fragments().verify(stripe.hash(), index),
                backend.name() + " " + stripe.hash() + "#" + index);
        assertArrayEquals(stripe.shards().get(index), read(backend, stripe.hash(), index));
    }

    private static byte[] read(StorageBackend backend, ContentHash hash, int index) throws IOException {
        try (SeekableByteChannel channel = backend.fragments().open(hash, index)
                .orElseThrow(() -> new IOException(backend.name() + " lacks " + hash + "#" + index));
                InputStream in = Channels.newInputStream(channel)) {
            return in.readAllBytes();
        }
    }

    private static void assertEmpty(StorageBackend backend) {
        assertEquals(List.of(), backend.fragments().listTesseras(), backend.name() + " tesseras");
        assertEquals(List.of(), backend.blobs().list(), backend.name() + " blobs");
        assertEquals(0, backend.fragments().usage().fragmentCount(), backend.name() + " fragments");
    }

    /** A get and a put running all along, each on the backend active at the time, as the node's stores are. */
    private final class Load {
        final List<ContractData.Stripe> known;
        final List<ContractData.Stripe> putStripes = new CopyOnWriteArrayList<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong gets = new AtomicLong();
        final AtomicLong puts = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();
        final ContractData putData = new ContractData(hasher, 99);

        Load(List<ContractData.Stripe> known) {
            this.known = known;
        }

        void start() {
            threads.add(new Thread(this::getLoop, "get-load"));
            threads.add(new Thread(this::putLoop, "put-load"));
            threads.forEach(Thread::start);
        }

        void getLoop() {
            Random random = new Random(5);
            while (running.get()) {
                ContractData.Stripe stripe = known.get(random.nextInt(known.size() - 1));
                int index = random.nextInt(stripe.shards().size());
                try {
                    if (!java.util.Arrays.equals(stripe.shards().get(index), read(active(), stripe.hash(), index))) {
                        failures.add("get " + stripe.hash() + "#" + index + ": other bytes");
                    }
                    gets.incrementAndGet();
                    Thread.sleep(2);
                } catch (IOException | RuntimeException e) {
                    failures.add("get " + stripe.hash() + "#" + index + ": " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void putLoop() {
            while (running.get()) {
                ContractData.Stripe stripe = putData.stripe();
                try {
                    put(active(), stripe);
                    putStripes.add(stripe);
                    puts.incrementAndGet();
                    Thread.sleep(100);
                } catch (IOException | RuntimeException e) {
                    failures.add("put " + stripe.hash() + ": " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void awaitGets(long count) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (gets.get() < count && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
    }
}
