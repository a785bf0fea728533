package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.Transport;

/**
 * A get writes fetched data shards straight to their places in its output (issue 16): whole nodes on the
 * in-memory network, real stores, Derby, coder and DHT; holders that send wrong or cut-short data shards, whose
 * bytes reach the output before they are found wrong, and the parity that rebuilds a shard over them.
 */
class GetIntoPlaceTest {
    /** Not a multiple of 16: the last data shard ends in zero padding. */
    private static final long SIZE = 1_000_003;

    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void dataShardsFetchedForAGetGoStraightToTheirPlacesAndNoWorkFileIsWritten() throws Exception {
        Path file = putOnNineNodes();
        ContentHash hash = hashOf(file);
        TestNode reader = nonHolder(hash);
        TesseraManifest manifest = cluster.owner().fragments.manifest(hash).orElseThrow();
        List<Holder> holders = cluster.owner().holders.holders(hash).stream().map(HolderStatus::holder).toList();
        Path workDir = Files.createDirectories(dir.resolve("work"));
        Path output = dir.resolve("gathered.bin");

        try (FileChannel out = FileChannel.open(output, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
                FragmentGatherer.Gathered gathered = new FragmentGatherer(reader.replication).gather(manifest, holders,
                        Set.of(), workDir, out, ProgressListener.NONE)) {
            assertEquals(IntStream.range(0, 16).boxed().collect(Collectors.toSet()), gathered.inPlace(),
                    "every data shard was fetched to its place");
            assertEquals(List.of(), list(workDir), "nothing went through the work directory");
            assertEquals(SIZE, out.size(), "the places end where the tessera does; the last shard's padding was dropped");
            gathered.assemble(reader.replication.coder());
        }
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(output));
    }

    @Test
    void wrongAndCutShortDataShardsAreWrittenAgainFromOtherSourcesAndEveryByteComesBack() throws Exception {
        Path file = putOnNineNodes();
        ContentHash hash = hashOf(file);
        TestNode reader = nonHolder(hash);
        // the first source of shard 3 flips a byte half-way, the first of shard 15 (the one with padding) stops
        // half-way: both write into their places before they are found wrong
        DamagingTransport damaging = new DamagingTransport(reader.transport, Map.of(3, 1, 15, 1), Set.of(15));
        reader.replication.transport = damaging;

        Path copy = dir.resolve("copy.bin");
        RetrievalReport report = reader.replication.retrieve(hash, copy, ProgressListener.NONE);

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertEquals(RetrievalReport.Source.NETWORK, report.source());
        assertEquals(2, damaging.damaged.get(), "both damaged streams reached the get");
        assertTrue(damaging.asked(3) >= 2 || damaging.asked(16) + damaging.asked(17) > 0,
                "shard 3 was asked again elsewhere or stood in for by parity");
        assertEquals(List.of(copy), TestCluster.leftIn(dir), "no work directory or partial output is left");
    }

    @Test
    void aDataShardNoSourceGivesRightIsRebuiltFromParityOverWhatTheBadOnesLeftInItsPlace() throws Exception {
        Path file = putOnNineNodes();
        ContentHash hash = hashOf(file);
        TestNode reader = nonHolder(hash);
        // every source of shard 5 sends wrong bytes (the owner too), so parity rebuilds it; shards 0-4 and 6-15 are
        // read back from their places for that
        DamagingTransport damaging = new DamagingTransport(reader.transport, Map.of(5, Integer.MAX_VALUE), Set.of());
        reader.replication.transport = damaging;

        Path copy = dir.resolve("copy.bin");
        RetrievalReport report = reader.replication.retrieve(hash, copy, ProgressListener.NONE);

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertTrue(damaging.damaged.get() >= 1, "shard 5's bytes were damaged");
        assertTrue(IntStream.range(16, 24).anyMatch(i -> damaging.asked(i) > 0), "a parity shard was fetched");
        assertEquals(16, report.fragmentsFetched());
        assertEquals(List.of(copy), TestCluster.leftIn(dir), "no work directory or partial output is left");
    }

    @Test
    void aHolderRebuildsFromItsOwnShardsParityIncludedAndTheDataShardsItFetchedInPlace() throws Exception {
        Path file = putOnNineNodes();
        ContentHash hash = hashOf(file);
        TestNode holder = cluster.byId(cluster.owner().holders.holders(hash).get(0).holder().node());
        List<Integer> held = holder.fragments.list(hash).stream().map(f -> f.id().index()).sorted().toList();
        assertTrue(held.stream().anyMatch(i -> i < 16) && held.stream().anyMatch(i -> i >= 16),
                "it holds data and parity shards: " + held);
        cluster.owner().close();

        Path copy = dir.resolve("copy.bin");
        RetrievalReport report = holder.replication.retrieve(hash, copy, ProgressListener.NONE);

        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        assertEquals(16 - held.size(), report.fragmentsFetched(), "its own shards, parity too, count toward the 16");
        assertEquals(List.of(copy), TestCluster.leftIn(dir), "no work directory or partial output is left");
    }

    /** Owner and eight peers with a replication factor of 7: a 1 MB tessera cut 16 + 8, one peer holding none. */
    private Path putOnNineNodes() throws Exception {
        cluster = TestCluster.inMemory(dir, 9, TestNode.Tiers.lowered(7), TestNode.settings());
        Path file = cluster.randomFile("letters.bin", SIZE, 61);
        cluster.owner().replication.replicate(file, ProgressListener.NONE);
        return file;
    }

    private ContentHash hashOf(Path file) throws IOException {
        return cluster.owner().hasher.hash(Files.readAllBytes(file));
    }

    private TestNode nonHolder(ContentHash hash) {
        Set<NodeId> holding = cluster.owner().holders.holders(hash).stream().map(h -> h.holder().node())
                .collect(Collectors.toSet());
        return cluster.nodes.stream().skip(1).filter(n -> !holding.contains(n.identity.nodeId())).findFirst()
                .orElseThrow();
    }

    private static List<Path> list(Path directory) throws IOException {
        try (var entries = Files.list(directory)) {
            return entries.toList();
        }
    }

    /**
     * A real transport whose first {@code damagedFetches.get(index)} fetches of a fragment arrive damaged: cut off
     * half-way for the indices in {@code cut}, with one byte flipped half-way for the others.
     */
    private static final class DamagingTransport extends ForwardingTransport {
        private final Map<Integer, Integer> damagedFetches;
        private final Set<Integer> cut;
        private final Map<Integer, AtomicInteger> asked = new ConcurrentHashMap<>();
        final AtomicInteger damaged = new AtomicInteger();

        DamagingTransport(Transport delegate, Map<Integer, Integer> damagedFetches, Set<Integer> cut) {
            super(delegate);
            this.damagedFetches = damagedFetches;
            this.cut = cut;
        }

        int asked(int index) {
            AtomicInteger count = asked.get(index);
            return count == null ? 0 : count.get();
        }

        @Override
        public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
                FragmentReader<T> reader) {
            int attempt = asked.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet();
            if (attempt > damagedFetches.getOrDefault(index, 0)) {
                return delegate.fetchFragment(from, tesseraHash, index, reader);
            }
            return delegate.fetchFragment(from, tesseraHash, index, (id, plan, content) -> {
                damaged.incrementAndGet();
                return reader.read(id, plan, new Damaged(content, plan.shardSize() / 2, cut.contains(index)));
            });
        }
    }

    /** Passes bytes through up to {@code at}, then ends there ({@code cut}) or flips the byte there. */
    private static final class Damaged extends FilterInputStream {
        private final long at;
        private final boolean cut;
        private long position;

        Damaged(InputStream in, long at, boolean cut) {
            super(in);
            this.at = at;
            this.cut = cut;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (cut && position >= at) {
                return -1;
            }
            int wanted = cut ? (int) Math.min(length, at - position) : length;
            int n = super.read(buffer, offset, wanted);
            if (n > 0 && !cut && position <= at && at < position + n) {
                buffer[offset + (int) (at - position)] ^= 0x20;
            }
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
