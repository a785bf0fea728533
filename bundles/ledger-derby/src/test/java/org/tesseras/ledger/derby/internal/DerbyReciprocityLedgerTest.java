package org.tesseras.ledger.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.model.NodeId;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;

class DerbyReciprocityLedgerTest {
    private static final Logger LOG = LoggerFactory.getLogger(DerbyReciprocityLedgerTest.class);
    private static final int THREADS = 16;
    private static final int INCREMENTS = 1_000;

    @TempDir
    Path tempDir;

    private DerbyNodeDataSource db;
    private DerbyReciprocityLedger ledger;

    @BeforeEach
    void open() throws SQLException {
        db = TestDatabase.inMemory();
        ledger = new DerbyReciprocityLedger(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static NodeId peer(int n) {
        return NodeId.of(String.format("%040x", n + 1));
    }

    @Test
    void anUnknownPeerHasBalanceZero() {
        assertEquals(0, ledger.balance(peer(1)));
        assertEquals(0, ledger.bytesStoredFor(peer(1)));
        assertEquals(Optional.empty(), ledger.entry(peer(1)));
        assertEquals(List.of(), ledger.entries());
    }

    @Test
    void accountsSumPerSubnetAndAPeerWithNothingOwedMovesToTheSubnetToldLast() {
        for (int i = 0; i < 50; i++) {
            assertEquals("203.0.113.0/24", ledger.placeInSubnet(peer(i), "203.0.113.0/24"));
            ledger.recordStoredForPeer(peer(i), 1000);
        }
        ledger.placeInSubnet(peer(100), "198.51.100.0/24");
        ledger.recordStoredForPeer(peer(100), 7);
        ledger.recordPeerStoresForUs(peer(3), 400);

        assertEquals(50_000, ledger.bytesStoredForSubnet("203.0.113.0/24"));
        assertEquals(-50_000 + 400, ledger.subnetBalance("203.0.113.0/24"));
        assertEquals(-7, ledger.subnetBalance("198.51.100.0/24"));
        assertEquals(0, ledger.subnetBalance("192.0.2.0/24"));

        ledger.placeInSubnet(peer(200), "203.0.113.0/24");
        ledger.recordPeerStoresForUs(peer(200), 5);
        assertEquals("198.51.100.0/24", ledger.placeInSubnet(peer(200), "198.51.100.0/24"),
                "a peer that owes nothing and stores nothing here moves");
        assertEquals(-2, ledger.subnetBalance("198.51.100.0/24"));

        DerbyReciprocityLedger reopened = new DerbyReciprocityLedger(db);
        assertEquals(-2, reopened.subnetBalance("198.51.100.0/24"), "kept in the database");
        assertEquals("198.51.100.0/24", reopened.placeInSubnet(peer(200), "198.51.100.0/24"));
    }

    @Test
    void peersThatOweASubnetsAllowanceCannotTakeTheirDebtToAnotherSubnet() {
        for (int i = 0; i < 50; i++) {
            ledger.placeInSubnet(peer(i), "203.0.113.0/24");
            ledger.recordStoredForPeer(peer(i), 1000);
        }
        for (int i = 0; i < 50; i++) {
            assertEquals("203.0.113.0/24", ledger.placeInSubnet(peer(i), "192.0.2.0/24"),
                    "a peer we store bytes for stays in the subnet its debt was made in");
        }
        assertEquals(50_000, ledger.bytesStoredForSubnet("203.0.113.0/24"));
        assertEquals(-50_000, ledger.subnetBalance("203.0.113.0/24"));
        assertEquals(0, ledger.bytesStoredForSubnet("192.0.2.0/24"), "the throwaway address took no debt away");

        DerbyReciprocityLedger reopened = new DerbyReciprocityLedger(db);
        assertEquals("203.0.113.0/24", reopened.placeInSubnet(peer(7), "192.0.2.0/24"), "after a restart too");
        assertEquals(50_000, reopened.bytesStoredForSubnet("203.0.113.0/24"));
    }

    @Test
    void storingForAPeerMakesItOweUs() {
        ledger.recordStoredForPeer(peer(1), 1000);
        assertEquals(-1000, ledger.balance(peer(1)));
        assertEquals(1000, ledger.bytesStoredFor(peer(1)));
    }

    @Test
    void aPeerStoringForUsIsCreditedToIt() {
        ledger.recordPeerStoresForUs(peer(1), 500);
        assertEquals(500, ledger.balance(peer(1)));
        assertEquals(0, ledger.bytesStoredFor(peer(1)));
    }

    @Test
    void bothDirectionsNetOut() {
        ledger.recordStoredForPeer(peer(1), 1000);
        ledger.recordPeerStoresForUs(peer(1), 700);
        assertEquals(-300, ledger.balance(peer(1)));
        LedgerEntry entry = ledger.entry(peer(1)).orElseThrow();
        assertEquals(1000, entry.bytesStoredForThem());
        assertEquals(700, entry.bytesTheyStoreForUs());
    }

    @Test
    void bestPeersComeHighestBalanceFirst() {
        ledger.recordStoredForPeer(peer(1), 200);
        ledger.recordPeerStoresForUs(peer(2), 500);
        ledger.recordPeerStoresForUs(peer(3), 100);
        assertEquals(List.of(500L, 100L, -200L), ledger.bestPeers(3).stream().map(LedgerEntry::balance).toList());
        assertEquals(List.of(peer(2), peer(3), peer(1)), ledger.entries().stream().map(LedgerEntry::peer).toList());
        assertEquals(List.of(peer(2), peer(3)), ledger.bestPeers(2).stream().map(LedgerEntry::peer).toList());
        assertEquals(3, ledger.bestPeers(10).size());
        assertEquals(List.of(), ledger.bestPeers(0));
        assertThrows(IllegalArgumentException.class, () -> ledger.bestPeers(-1));
    }

    @Test
    void aNegativeAmountReleasesBytesButNeverBelowZero() {
        ledger.recordStoredForPeer(peer(1), 1000);
        ledger.recordStoredForPeer(peer(1), -400);
        assertEquals(600, ledger.bytesStoredFor(peer(1)));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ledger.recordStoredForPeer(peer(1), -601));
        assertTrue(refused.getMessage().contains(peer(1).hex()), refused.getMessage());
        assertEquals(600, ledger.bytesStoredFor(peer(1)), "a refused release changes nothing");
        assertThrows(IllegalArgumentException.class, () -> ledger.recordPeerStoresForUs(peer(2), -1));
        assertEquals(Optional.empty(), ledger.entry(peer(2)));
    }

    @Test
    void everyUpdateRecordsItsTime() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ledger.recordPeerStoresForUs(peer(1), 1);
        Instant after = Instant.now();
        Instant updated = ledger.entry(peer(1)).orElseThrow().lastUpdated();
        assertFalse(updated.isBefore(before), updated + " before " + before);
        assertFalse(updated.isAfter(after), updated + " after " + after);
    }

    @Test
    void sixteenThreadsOnOnePeerEndWithExactTotals() throws Exception {
        NodeId shared = peer(7);
        runConcurrently(thread -> {
            for (int i = 0; i < INCREMENTS; i++) {
                ledger.recordStoredForPeer(shared, 3);
                ledger.recordPeerStoresForUs(shared, 5);
            }
        });
        LedgerEntry entry = ledger.entry(shared).orElseThrow();
        assertEquals(3L * THREADS * INCREMENTS, entry.bytesStoredForThem());
        assertEquals(5L * THREADS * INCREMENTS, entry.bytesTheyStoreForUs());
        assertEquals(2L * THREADS * INCREMENTS, ledger.balance(shared));
    }

    @Test
    void sixteenThreadsRacingToCreateTheSameNewPeersEndWithExactTotals() throws Exception {
        runConcurrently(thread -> {
            for (int i = 0; i < INCREMENTS; i++) {
                ledger.recordStoredForPeer(peer(i), 1);
                ledger.recordPeerStoresForUs(peer(thread * INCREMENTS + i + 100_000), 2);
            }
        });
        for (int i = 0; i < INCREMENTS; i++) {
            assertEquals(THREADS, ledger.bytesStoredFor(peer(i)), "peer " + i);
        }
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < INCREMENTS; i += 97) {
                assertEquals(2, ledger.balance(peer(t * INCREMENTS + i + 100_000)));
            }
        }
        assertEquals(INCREMENTS + THREADS * INCREMENTS, ledger.entries().size());
        LOG.info("{} statement(s) were retried after a race", ledger.retries());
    }

    @Test
    void transientConflictsAreRetriedAndOthersReported() {
        AtomicInteger runs = new AtomicInteger();
        ledger.runWithRetry(peer(1), () -> {
            if (runs.incrementAndGet() <= 2) {
                throw new SQLException("The statement was aborted because it would have caused a duplicate key",
                        "23505");
            }
        });
        assertEquals(3, runs.get());
        assertEquals(2, ledger.retries());

        AtomicInteger failing = new AtomicInteger();
        IllegalStateException notTransient = assertThrows(IllegalStateException.class,
                () -> ledger.runWithRetry(peer(1), () -> {
                    failing.incrementAndGet();
                    throw new SQLException("Table/View 'RECIPROCITY' does not exist.", "42X05");
                }));
        assertEquals(1, failing.get());
        assertTrue(notTransient.getMessage().contains(peer(1).hex()), notTransient.getMessage());

        AtomicInteger endless = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> ledger.runWithRetry(peer(2), () -> {
            endless.incrementAndGet();
            throw new SQLException("deadlock", "40001");
        }));
        assertEquals(DerbyReciprocityLedger.MAX_ATTEMPTS, endless.get());
    }

    @Test
    void theLedgerSurvivesARestartOnDisk() throws SQLException {
        db.close();
        String directory = tempDir.resolve("db").toString();
        db = TestDatabase.open(directory);
        new DerbyReciprocityLedger(db).recordStoredForPeer(peer(1), 1000);
        new DerbyReciprocityLedger(db).recordPeerStoresForUs(peer(1), 700);
        db.close();

        db = TestDatabase.open(directory);
        assertEquals(-300, new DerbyReciprocityLedger(db).balance(peer(1)));
    }

    /** Work one thread does; {@code thread} is 0..THREADS-1. */
    @FunctionalInterface
    private interface ThreadWork {
        void run(int thread) throws Exception;
    }

    private static void runConcurrently(ThreadWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Callable<Void> task = () -> {
                    start.await();
                    work.run(thread);
                    return null;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
