package org.tesseras.storage.migration.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.port.StorageBackend;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;
import org.tesseras.storage.fs.internal.FsTestBackend;
import org.tesseras.storage.s3.internal.S3TestBackend;
import org.tesseras.storage.s3.internal.S3TestServer;

/**
 * Put and get of one tessera on the fs backend and on the s3 backend in the same run: the owner's side of a put
 * (the whole tessera into the blob store, then its 16+8 fragments into the fragment store) and of a get (its 16
 * data fragments read back), against files on this disk and against S3Proxy on 127.0.0.1 keeping its objects
 * in files on the same disk. Run with {@code -Dtesseras.bench=true [-Dtesseras.bench.mib=64]}.
 */
@EnabledIfSystemProperty(named = "tesseras.bench", matches = "true")
class StorageBackendBench {
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @Test
    void putAndGetOnFsAndS3() throws Exception {
        int mib = Integer.getInteger("tesseras.bench.mib", 64);
        Blake3Hasher hasher = new Blake3Hasher();
        ContractData data = new ContractData(hasher, 1);
        byte[] tessera = data.randomBytes(mib << 20);
        DerbyNodeDataSource db = TestDatabase.open("memory:bench-" + UUID.randomUUID());
        try (S3TestServer server = new S3TestServer(java.nio.file.Files.createDirectories(dir.resolve("s3-server")))) {
            FsTestBackend fs = new FsTestBackend(db, hasher, dir.resolve("fs"));
            try (S3TestBackend s3 = new S3TestBackend(server.config(), hasher)) {
                // warm-up: both paths compiled before they are timed
                round(fs, data, data.randomBytes(8 << 20));
                round(s3, data, data.randomBytes(8 << 20));
                List<long[]> fsTimes = new ArrayList<>();
                List<long[]> s3Times = new ArrayList<>();
                for (int i = 0; i < ROUNDS; i++) {
                    fsTimes.add(round(fs, data, tessera));
                    s3Times.add(round(s3, data, tessera));
                }
                System.out.printf("%d MiB tessera, 16+8 fragments of %.1f MiB, median of %d (put = blob + fragments,"
                        + " get = 16 data fragments read):%n", mib, mib / 16.0, ROUNDS);
                print("fs", mib, fsTimes);
                print("s3", mib, s3Times);
            }
        } finally {
            db.close();
        }
    }

    /** {put nanos, get nanos} of one tessera. */
    private static long[] round(StorageBackend backend, ContractData data, byte[] tessera) throws IOException {
        FragmentPlan plan = FragmentPlan.of(data.hasher().hash(tessera), tessera.length, FragmentationTier.MEDIUM, 16,
                8, 7);
        int shard = (int) plan.shardSize();
        List<byte[]> shards = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            shards.add(i < 16 ? Arrays.copyOfRange(tessera, i * shard, (i + 1) * shard) : data.randomBytes(shard));
        }
        List<ContentHash> checksums = shards.stream().map(data.hasher()::hash).toList();
        var manifest = org.tesseras.api.model.TestManifests.unsigned(plan, checksums);

        long start = System.nanoTime();
        ContentHash hash = backend.blobs().write(new ByteArrayInputStream(tessera));
        backend.fragments().saveManifest(manifest);
        for (int i = 0; i < 24; i++) {
            backend.fragments().store(manifest.fragmentId(i), new ByteArrayInputStream(shards.get(i)),
                    Optional.empty());
        }
        long put = System.nanoTime() - start;

        start = System.nanoTime();
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < 16; i++) {
            try (SeekableByteChannel channel = backend.fragments().open(plan.tesseraHash(), i).orElseThrow();
                    InputStream in = Channels.newInputStream(channel)) {
                while (in.read(buffer) >= 0) {
                    // streamed, as a get reads
                }
            }
        }
        long get = System.nanoTime() - start;

        assertEquals(plan.tesseraHash(), hash);
        try (SeekableByteChannel channel = backend.fragments().open(plan.tesseraHash(), 3).orElseThrow();
                InputStream in = Channels.newInputStream(channel)) {
            assertArrayEquals(shards.get(3), in.readAllBytes());
        }
        for (int i = 0; i < 24; i++) {
            backend.fragments().delete(plan.tesseraHash(), i);
        }
        backend.fragments().forget(plan.tesseraHash());
        backend.blobs().delete(hash);
        return new long[] {put, get};
    }

    private static void print(String name, int mib, List<long[]> times) {
        long put = median(times.stream().mapToLong(t -> t[0]).toArray());
        long get = median(times.stream().mapToLong(t -> t[1]).toArray());
        double mb = mib * 1048576.0 / 1e6;
        System.out.printf("  %s: put %.2f s (%.1f MB/s of tessera), get %.2f s (%.1f MB/s)   all puts %s, gets %s%n",
                name, put / 1e9, mb / (put / 1e9), get / 1e9, mb / (get / 1e9),
                Arrays.toString(times.stream().mapToDouble(t -> Math.round(t[0] / 1e7) / 100.0).toArray()),
                Arrays.toString(times.stream().mapToDouble(t -> Math.round(t[1] / 1e7) / 100.0).toArray()));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
