package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.port.Transport;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.FileNodeIdentity;
import org.tesseras.crypto.internal.IdentityConfiguration;
import org.tesseras.crypto.internal.PowIdentityVerifier;
import org.tesseras.db.derby.internal.DatabaseConfiguration;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.dht.internal.DhtConfiguration;
import org.tesseras.dht.internal.DhtResponder;
import org.tesseras.dht.internal.KademliaDht;
import org.tesseras.dht.internal.KademliaNode;
import org.tesseras.erasure.rs.internal.ErasureCoderConfiguration;
import org.tesseras.erasure.rs.internal.ReedSolomonErasureCoder;
import org.tesseras.holders.derby.internal.DerbyHolderRegistry;
import org.tesseras.holders.derby.internal.DerbyReplicationJournal;
import org.tesseras.ledger.derby.internal.DerbyReciprocityLedger;
import org.tesseras.storage.fs.internal.FsBlobStore;
import org.tesseras.storage.fs.internal.FsFragmentStore;
import org.tesseras.tiers.internal.ConfiguredTierPolicy;
import org.tesseras.tiers.internal.TierConfiguration;
import org.tesseras.tiers.internal.TierDefinition;
import org.tesseras.tiers.internal.TierPolicyConfiguration;

/**
 * A whole node in this JVM, assembled from the real components the way Declarative Services would wire
 * them: Derby on disk, files in a directory, a real transport, the Kademlia DHT and replication.
 */
final class TestNode implements AutoCloseable {
    /**
     * Makes this node's transport, handing inbound traffic to the DHT and to the holder the way Declarative
     * Services would; closes it on {@link #close()}.
     */
    interface Transports {
        /** Opens a transport listening on {@code port} (0: any free one; in memory, the address follows the id). */
        Transport open(FileNodeIdentity identity, PowIdentityVerifier verifier, Handlers handlers, int port)
                throws IOException;

        void close(Transport transport);
    }

    /** What answers a node's inbound traffic: the DHT's answering side and the holder of others' fragments. */
    record Handlers(DhtResponder dht, HolderService holder) {
    }

    /** Test tier thresholds: small below {@code mediumFromBytes}, large from {@code largeFromBytes}. */
    record Tiers(long mediumFromBytes, long largeFromBytes, long maxBytes, int replicationFactor) {
        static Tiers lowered(int replicationFactor) {
            return new Tiers(64 * 1024, 4L << 20, 64L << 20, replicationFactor);
        }
    }

    final String name;
    final Path dir;
    final Blake3Hasher hasher = new Blake3Hasher();
    final FileNodeIdentity identity;
    final PowIdentityVerifier verifier;
    final DerbyNodeDataSource database;
    final FsFragmentStore fragments;
    final FsBlobStore blobs;
    final DerbyReciprocityLedger ledger;
    final DerbyHolderRegistry holders;
    final DerbyReplicationJournal journal;
    final ReedSolomonErasureCoder coder;
    final ConfiguredTierPolicy tiers;
    final Transport transport;
    final KademliaNode dhtNode;
    final KademliaDht dht;
    final HolderService holder;
    final ReplicationComponent replication;
    private final Transports transports;
    private boolean closed;

    TestNode(String name, Path dir, Transports transports, Tiers tierLimits, ReplicationSettings settings,
            List<InetSocketAddress> seeds, boolean persistentDatabase) throws IOException, SQLException {
        this(name, dir, transports, tierLimits, settings, seeds, persistentDatabase, 0, Map.of());
    }

    /** A node listening on {@code port} (0: any), e.g. to come back at the address its peers recorded. */
    TestNode(String name, Path dir, Transports transports, Tiers tierLimits, ReplicationSettings settings,
            List<InetSocketAddress> seeds, boolean persistentDatabase, int port) throws IOException, SQLException {
        this(name, dir, transports, tierLimits, settings, seeds, persistentDatabase, port, Map.of());
    }

    /** A node whose DHT configuration has {@code dhtOverrides} on top of the test defaults (e.g. a short TTL). */
    TestNode(String name, Path dir, Transports transports, Tiers tierLimits, ReplicationSettings settings,
            List<InetSocketAddress> seeds, boolean persistentDatabase, int port, Map<String, Object> dhtOverrides)
            throws IOException, SQLException {
        this.name = name;
        this.dir = dir;
        this.transports = transports;
        Files.createDirectories(dir);
        identity = FileNodeIdentity.minted(hasher, Configs.of(IdentityConfiguration.class,
                Map.of("keyFile", dir.resolve("identity.key").toString(), "powDifficulty", 8)));
        verifier = new PowIdentityVerifier(hasher, Configs.of(IdentityConfiguration.class, Map.of("powDifficulty", 8)));
        // creating an on-disk Derby database takes seconds; nodes that never restart use memory
        String databaseName = persistentDatabase ? dir.resolve("db").toString()
                : "memory:" + dir.toAbsolutePath().toString().replace('/', '_');
        database = new DerbyNodeDataSource(Configs.of(DatabaseConfiguration.class, Map.of("database", databaseName)));
        fragments = new FsFragmentStore(database, hasher, dir);
        blobs = new FsBlobStore(hasher, dir);
        ledger = new DerbyReciprocityLedger(database);
        holders = new DerbyHolderRegistry(database);
        journal = new DerbyReplicationJournal(database);
        coder = new ReedSolomonErasureCoder(hasher, Configs.of(ErasureCoderConfiguration.class, Map.of("threads", 1)));
        tiers = new ConfiguredTierPolicy();
        for (TierConfiguration tier : tierConfigs(tierLimits)) {
            tiers.bindTier(new TierDefinition(tier));
        }
        tiers.activate(Configs.of(TierPolicyConfiguration.class, Map.of("maxTesseraSizeBytes", tierLimits.maxBytes())),
                null);

        Map<String, Object> dhtConfig = new HashMap<>();
        dhtConfig.put("seeds", seeds.stream().map(s -> s.getAddress().getHostAddress() + ":" + s.getPort())
                .toArray(String[]::new));
        dhtConfig.put("rpcTimeoutMillis", 3000L);
        dhtConfig.put("knownContactsFile", dir.resolve("dht-contacts").toString());
        dhtConfig.putAll(dhtOverrides);
        // nodes on sockets all listen on 127.0.0.1: one subnet, which the routing table's subnet limits would cap
        dhtConfig.putIfAbsent("maxNodesPerSubnetPerBucket", dhtConfig.getOrDefault("k", 20));
        dhtConfig.putIfAbsent("maxNodesPerSubnet", 1000);
        dhtNode = new KademliaNode(identity, verifier, Configs.of(DhtConfiguration.class, dhtConfig));

        holder = new HolderService();
        holder.hasher = hasher;
        holder.identity = identity;
        holder.verifier = verifier;
        holder.tiers = tiers;
        holder.fragments = fragments;
        holder.ledger = ledger;
        holder.start(settings);

        transport = transports.open(identity, verifier, new Handlers(new DhtResponder(dhtNode), holder), port);
        dht = new KademliaDht(transport, dhtNode);

        replication = new ReplicationComponent();
        replication.hasher = hasher;
        replication.identity = identity;
        replication.verifier = verifier;
        replication.coder = coder;
        replication.tiers = tiers;
        replication.fragments = fragments;
        replication.blobs = blobs;
        replication.ledger = ledger;
        replication.holders = holders;
        replication.journal = journal;
        replication.startupTasksDelay = Duration.ofDays(1);
        replication.dht = dht;
        replication.transport = transport;
        replication.start(settings);
    }

    /** Whether this node still runs (not closed). */
    synchronized boolean running() {
        return !closed;
    }

    /** Takes new replication settings on both sides, as a changed configuration would. */
    void apply(ReplicationSettings updated) {
        holder.apply(updated);
        replication.apply(updated);
    }

    private static List<TierConfiguration> tierConfigs(Tiers limits) {
        List<TierConfiguration> tiers = new ArrayList<>();
        tiers.add(Configs.of(TierConfiguration.class, Map.of("name", "small", "tier", FragmentationTier.SMALL,
                "minSizeBytes", 0L, "maxSizeBytes", limits.mediumFromBytes(), "dataShards", 1, "parityShards", 0,
                "replicationFactor", limits.replicationFactor())));
        tiers.add(Configs.of(TierConfiguration.class, Map.of("name", "medium", "tier", FragmentationTier.MEDIUM,
                "minSizeBytes", limits.mediumFromBytes(), "maxSizeBytes", limits.largeFromBytes(), "dataShards", 16,
                "parityShards", 8, "replicationFactor", limits.replicationFactor())));
        tiers.add(Configs.of(TierConfiguration.class, Map.of("name", "large", "tier", FragmentationTier.LARGE,
                "minSizeBytes", limits.largeFromBytes(), "maxSizeBytes", Long.MAX_VALUE, "dataShards", 48,
                "parityShards", 24, "replicationFactor", limits.replicationFactor())));
        return tiers;
    }

    /** Settings for tests: defaults, repair loop off, any number of peers per subnet (all nodes share 127.0.0.1). */
    static ReplicationSettings settings() {
        ReplicationSettings d = ReplicationSettings.DEFAULTS;
        return new ReplicationSettings(d.repairInterval(), d.repairJitter(), d.maxConcurrentTransfers(), 0,
                d.acceptDeficitUpToBytes(), d.maxStoragePerPeerBytes(), 100, d.maxFailedAttestations(), false,
                d.firstRepairRoundDelay(), d.announceInterval(), d.ownerSilenceBeforeCustody(), d.putDeadline(),
                d.repairRoundDeadline(), d.peerLimits().withoutSubnetCeiling());
    }

    /** Flips one bit of the byte at {@code position} in this node's stored shard {@code index} of {@code hash}. */
    void flipBitOfShard(ContentHash hash, int index, long position) throws IOException {
        Path shard = dir.resolve("fragments").resolve(hash.hex()).resolve(String.format("%03d.shard", index));
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            file.seek(position);
            int b = file.read();
            if (b < 0) {
                throw new IOException(shard + " has no byte at " + position);
            }
            file.seek(position);
            file.write(b ^ 0x01);
        }
    }

    /** Cuts the shard file of {@code index} to {@code length} bytes, as a failing disk or a lost write might. */
    void truncateShard(ContentHash hash, int index, long length) throws IOException {
        Path shard = dir.resolve("fragments").resolve(hash.hex()).resolve(String.format("%03d.shard", index));
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            file.setLength(length);
        }
    }

    InetSocketAddress address() {
        return transport.localNode().address();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        replication.deactivate();
        dht.deactivate();
        transports.close(transport);
        try {
            coder.deactivate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
    }

    @Override
    public String toString() {
        return name + "(" + identity.nodeId().shortHex() + ")";
    }

    static String names(List<TestNode> nodes) {
        return nodes.stream().map(TestNode::toString).collect(Collectors.joining(", "));
    }
}
