package org.tesseras.storage.fs.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;

/** What the fragment store tests share: random stripes with their manifests, and looks at the disk and the index. */
final class StoreFixture {
    static final int SHARD_BYTES = 1000;
    static final NodeId PEER = NodeId.of("0123456789abcdef0123456789abcdef01234567");

    final Hasher hasher = new Blake3Hasher();
    final Random random = new Random(42);
    final Path root;

    StoreFixture(Path root) {
        this.root = root;
    }

    /** A tessera's plan, the bytes of each of its shards, and a manifest naming their checksums. */
    record Stripe(FragmentPlan plan, List<byte[]> shards, TesseraManifest manifest) {
        ContentHash hash() {
            return plan.tesseraHash();
        }

        FragmentId id(int index) {
            return manifest.fragmentId(index);
        }
    }

    /** A MEDIUM stripe of 4 data + 2 parity shards of SHARD_BYTES each, with random bytes. */
    Stripe stripe() {
        return stripe(FragmentPlan.of(randomHash(), 4L * SHARD_BYTES, FragmentationTier.MEDIUM, 4, 2, 7));
    }

    Stripe stripe(FragmentPlan plan) {
        List<byte[]> shards = new ArrayList<>();
        List<ContentHash> checksums = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            byte[] bytes = randomBytes((int) plan.shardSize());
            shards.add(bytes);
            checksums.add(hasher.hash(bytes));
        }
        return new Stripe(plan, shards, TestManifests.unsigned(plan, checksums));
    }

    /** A stripe whose manifest is recorded in {@code store}. */
    Stripe recorded(FsFragmentStore store) throws IOException {
        Stripe stripe = stripe();
        store.saveManifest(stripe.manifest());
        return stripe;
    }

    StoredFragment put(FsFragmentStore store, Stripe stripe, int index) throws IOException {
        return store.store(stripe.id(index), new ByteArrayInputStream(stripe.shards().get(index)), Optional.of(PEER));
    }

    ContentHash randomHash() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new ContentHash(bytes);
    }

    byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    Path shard(ContentHash hash, int index) {
        return root.resolve("fragments").resolve(hash.hex()).resolve(String.format("%03d.shard", index));
    }

    Path fragments() {
        return root.resolve("fragments");
    }

    Path quarantine() {
        return root.resolve("quarantine");
    }

    static byte[] readAll(SeekableByteChannel channel) throws IOException {
        try (channel) {
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading
            }
            return buffer.array();
        }
    }

    /** Regular files under {@code directory}, relative, sorted. */
    static List<String> filesUnder(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(p -> directory.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Shard files under {@code directory} (no manifests), relative, sorted. */
    static List<String> shardsUnder(Path directory) throws IOException {
        return filesUnder(directory).stream().filter(name -> name.endsWith(".shard")).toList();
    }

    static long count(DerbyNodeDataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
