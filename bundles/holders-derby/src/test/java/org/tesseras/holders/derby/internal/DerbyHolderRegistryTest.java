package org.tesseras.holders.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.RepairAction;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;

class DerbyHolderRegistryTest {
    static final ContentHash TESSERA = ContentHash.of("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f");
    static final ContentHash OTHER = new ContentHash(new byte[32]);

    DerbyNodeDataSource database;
    DerbyHolderRegistry registry;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.inMemory();
        registry = new DerbyHolderRegistry(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    static Contact contact(int n, String ip, int port) throws Exception {
        byte[] id = new byte[20];
        id[19] = (byte) n;
        return new Contact(new NodeId(id), new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void recordsHoldersWithTheirFragmentsAndAddresses() throws Exception {
        Contact a = contact(1, "10.0.0.5", 4433);
        Contact b = contact(2, "2001:db8:1::7", 4434);
        registry.recordFragments(TESSERA, a, List.of(0, 7));
        registry.recordFragments(TESSERA, a, List.of(14, 7));
        registry.recordFragments(TESSERA, b, List.of(1));
        registry.recordFragments(OTHER, b, List.of(3));

        List<HolderStatus> holders = registry.holders(TESSERA);
        assertEquals(2, holders.size());
        assertEquals(a.id(), holders.get(0).holder().node());
        assertEquals(List.of(0, 7, 14), holders.get(0).indices());
        assertEquals(a.address(), holders.get(0).holder().address());
        assertEquals(b.address(), holders.get(1).holder().address(), "IPv6 addresses survive the round trip");
        assertEquals(0, holders.get(0).failedAttestations());
        assertTrue(holders.get(0).lastSeen().isPresent());
        assertEquals(List.of(OTHER, TESSERA), registry.tesseras());
    }

    @Test
    void forgettingAllFragmentsOfAHolderRemovesIt() throws Exception {
        Contact a = contact(1, "10.0.0.5", 4433);
        registry.recordFragments(TESSERA, a, List.of(0, 7));
        registry.forgetFragments(TESSERA, a.id(), List.of(7));
        assertEquals(List.of(0), registry.holders(TESSERA).get(0).indices());
        registry.forgetFragments(TESSERA, a.id(), List.of(0));
        assertTrue(registry.holders(TESSERA).isEmpty());
        assertTrue(registry.tesseras().isEmpty());
    }

    @Test
    void countsConsecutiveFailedAttestationsAndResetsOnSuccess() throws Exception {
        Contact a = contact(1, "10.0.0.5", 4433);
        registry.recordFragments(TESSERA, a, List.of(0));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertEquals(1, registry.recordAttestation(TESSERA, a.id(), false, now));
        assertEquals(2, registry.recordAttestation(TESSERA, a.id(), false, now));
        assertEquals(0, registry.recordAttestation(TESSERA, a.id(), true, now));
        HolderStatus status = registry.holders(TESSERA).get(0);
        assertEquals(Optional.of(now), status.lastAttested());
        assertEquals(1, registry.recordAttestation(TESSERA, a.id(), false, now));
    }

    @Test
    void keepsTheLatestHealthVerdict() {
        assertTrue(registry.lastHealth(TESSERA).isEmpty());
        Instant first = Instant.parse("2026-11-26T10:00:00Z");
        registry.recordHealth(new HealthRecord(TESSERA, new RepairAction.NeedsReplication(2, List.of(3, 9)), first,
                "2 holders lost"));
        HealthRecord read = registry.lastHealth(TESSERA).orElseThrow();
        assertEquals(new RepairAction.NeedsReplication(2, List.of(3, 9)), read.action());
        assertEquals(first, read.checkedAt(), "timestamps are stored in UTC whatever the JVM zone");
        assertEquals("2 holders lost", read.detail());

        for (RepairAction action : List.of(new RepairAction.Healthy(), new RepairAction.CorruptLocal(5),
                new RepairAction.Lost(3, 16), new RepairAction.NeedsReplication(4, List.of()))) {
            registry.recordHealth(new HealthRecord(TESSERA, action, first.plusSeconds(60), ""));
            assertEquals(action, registry.lastHealth(TESSERA).orElseThrow().action());
        }
    }

    @Test
    void concurrentRecordsOfTheSameNewHolderAllLand() throws Exception {
        Contact a = contact(1, "10.0.0.5", 4433);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int index = 0; index < 64; index++) {
                int i = index;
                done.add(pool.submit(() -> registry.recordFragments(TESSERA, a, List.of(i))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(64, registry.holders(TESSERA).get(0).indices().size());
    }

    @Test
    void survivesARestartOnDisk(@TempDir Path dir) throws Exception {
        String name = dir.resolve("db").toString();
        DerbyNodeDataSource disk = TestDatabase.open(name);
        Contact a = contact(1, "10.0.0.5", 4433);
        new DerbyHolderRegistry(disk).recordFragments(TESSERA, a, List.of(4, 5));
        disk.close();
        DerbyNodeDataSource reopened = TestDatabase.open(name);
        try {
            assertEquals(List.of(4, 5), new DerbyHolderRegistry(reopened).holders(TESSERA).get(0).indices());
        } finally {
            reopened.close();
        }
    }
}
