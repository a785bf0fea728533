package org.tesseras.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.TesseraStatus;

/** Each check's verdict on the facts it reads, including the fault it exists for. */
class ChecksTest {
    private static final long GIB = 1L << 30;

    @Test
    void freeSpaceIsCriticalBelowTheMinimumAndWarnsBelowTwiceIt() {
        StorageUsage usage = new StorageUsage(24, 5L << 20, 3 * GIB);
        assertEquals(Result.Status.OK, FreeSpaceCheck.judge(usage, GIB).status());
        Finding warn = FreeSpaceCheck.judge(usage, 2 * GIB);
        assertEquals(Result.Status.WARN, warn.status());
        Finding critical = FreeSpaceCheck.judge(usage, 4 * GIB);
        assertEquals(Result.Status.CRITICAL, critical.status());
        assertTrue(critical.finding().contains("3.0 GiB free"), critical.finding());
        assertTrue(critical.finding().contains("NO_SPACE"), critical.finding());
        assertTrue(critical.whatToDo().contains("minFreeSpaceBytes"), critical.whatToDo());
    }

    @Test
    void freeSpaceTakesReplicationsMinimumUnlessItsOwnIsSet() {
        assertEquals(GIB, FreeSpaceCheck.replicationMinFreeBytes(null));
        FreeSpaceCheck check = new FreeSpaceCheck();
        assertEquals(GIB, check.minFreeBytes());
        check.configure(freeSpaceConfig(5));
        assertEquals(5, check.minFreeBytes());
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> check.configure(freeSpaceConfig(-2)));
        assertTrue(refused.getMessage().contains("minFreeSpaceBytes"), refused.getMessage());
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, check.execute().getStatus(), "no fragment store");
    }

    @Test
    void theTransportCheckConnectsToTheAnnouncedPort() throws IOException {
        InetSocketAddress address;
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            address = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
            assertTrue(TransportListeningCheck.accepts(address));
        }
        assertFalse(TransportListeningCheck.accepts(address), "nothing listens after the socket closed");
        assertEquals(Result.Status.OK, TransportListeningCheck.judge(address, true, true).status());
        assertEquals(Result.Status.WARN, TransportListeningCheck.judge(address, false, true).status());
        assertEquals(Result.Status.CRITICAL, TransportListeningCheck.judge(address, false, false).status());
        Finding stopped = TransportListeningCheck.judge(null, false, false);
        assertEquals(Result.Status.CRITICAL, stopped.status());
        assertTrue(stopped.finding().contains("not running"), stopped.finding());
        assertEquals(Result.Status.CRITICAL, new TransportListeningCheck().execute().getStatus(), "no transport");
    }

    @Test
    void anEmptyRoutingTableWarns() {
        Instant now = Instant.now();
        Finding none = RoutingTableCheck.judge(List.of(), now);
        assertEquals(Result.Status.WARN, none.status());
        assertTrue(none.whatToDo().contains("tesseras:bootstrap"), none.whatToDo());
        NodeInfo peer = new NodeInfo(NodeId.of("00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff"), new byte[32], 1,
                new InetSocketAddress("127.0.0.1", 4434), Set.of());
        Finding two = RoutingTableCheck.judge(List.of(new RoutingEntry(peer, 3, now),
                new RoutingEntry(peer, 4, now.minusSeconds(7200))), now);
        assertEquals(Result.Status.OK, two.status());
        assertEquals("2 peers known, 1 heard from in the last hour", two.finding());
        assertEquals(Result.Status.CRITICAL, new RoutingTableCheck().execute().getStatus(), "no DHT");
    }

    @Test
    void tesserasBelowTheRepairThresholdWarnAndLostOnesAreCriticalByHash() {
        ContentHash healthy = hash(1);
        ContentHash missing = hash(2);
        ContentHash corrupt = hash(3);
        ContentHash lost = hash(4);
        List<TesseraStatus> statuses = List.of(status(healthy, new RepairAction.Healthy()),
                status(missing, new RepairAction.NeedsReplication(3, List.of(4, 9, 17))),
                status(corrupt, new RepairAction.CorruptLocal(5)), status(lost, new RepairAction.Lost(7, 16)),
                unchecked(hash(5)));

        Finding atRisk = TesserasAtRiskCheck.judge(statuses);
        assertEquals(Result.Status.WARN, atRisk.status());
        assertTrue(atRisk.finding().startsWith("2 of 5 tesseras below the repair threshold"), atRisk.finding());
        assertTrue(atRisk.finding().contains(missing.hex() + " (3 missing [4, 9, 17])"), atRisk.finding());
        assertTrue(atRisk.finding().contains(corrupt.hex() + " (local fragment 5 corrupt)"), atRisk.finding());
        assertFalse(atRisk.finding().contains(lost.hex()), atRisk.finding());
        assertTrue(atRisk.whatToDo().contains("tesseras:repair"), atRisk.whatToDo());

        Finding gone = TesserasLostCheck.judge(statuses);
        assertEquals(Result.Status.CRITICAL, gone.status());
        assertTrue(gone.finding().contains(lost.hex() + " (7 of the 16 fragments needed survive)"), gone.finding());
        assertFalse(gone.finding().contains(missing.hex()), gone.finding());

        List<TesseraStatus> fine = List.of(status(healthy, new RepairAction.Healthy()), unchecked(hash(5)));
        assertEquals(Result.Status.OK, TesserasAtRiskCheck.judge(fine).status());
        assertEquals(Result.Status.OK, TesserasLostCheck.judge(fine).status());
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, new TesserasLostCheck().execute().getStatus());
    }

    @Test
    void manyTesserasAtRiskAreNamedUpToTenThenCounted() {
        List<TesseraStatus> statuses = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            statuses.add(status(hash(i + 1), new RepairAction.NeedsReplication(1, List.of())));
        }
        String finding = TesserasAtRiskCheck.judge(statuses).finding();
        assertTrue(finding.endsWith(" and 3 more"), finding);
        assertTrue(finding.contains(hash(10).hex()) && !finding.contains(hash(11).hex()), finding);
    }

    @Test
    void aResultCarriesTheFindingThenTheAdviceAtTheSameStatus() {
        Result result = Finding.warn("the disk fills", "free some space").toResult();
        assertEquals(Result.Status.WARN, result.getStatus());
        List<String> messages = new ArrayList<>();
        for (ResultLog.Entry entry : result) {
            messages.add(entry.getStatus() + " " + entry.getMessage());
        }
        assertEquals(List.of("WARN the disk fills", "WARN What to do: free some space"), messages);
        assertEquals(1, Finding.ok("fine").toResult().iterator().hasNext() ? 1 : 0);
    }

    @Test
    void aCheckThatThrowsReportsAHealthCheckError() {
        NodeCheck broken = new NodeCheck() {
            @Override
            Finding examine() {
                throw new IllegalStateException("boom");
            }
        };
        Result result = broken.execute();
        assertEquals(Result.Status.HEALTH_CHECK_ERROR, result.getStatus());
        assertTrue(result.toString().contains("boom"), result.toString());
    }

    @Test
    void repairRoundsAreOverdueAnHourAfterTheirTimeAndDisabledOnesWarn() {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        Duration day = Duration.ofDays(1);
        RepairRound last = new RepairRound(now.minus(Duration.ofHours(25)), now.minus(Duration.ofHours(24)), 12, 2, 0,
                0, "");
        RepairLoopStatus onTime = new RepairLoopStatus(true, day, Duration.ofHours(2), Optional.of(last),
                now.plus(Duration.ofMinutes(30)), Optional.empty());
        Finding ok = RepairOverdueCheck.judge(onTime, now);
        assertEquals(Result.Status.OK, ok.status(), ok.finding());
        assertTrue(ok.finding().contains("12 tesseras, 2 repaired"), ok.finding());

        RepairLoopStatus late = new RepairLoopStatus(true, day, Duration.ofHours(2), Optional.of(last),
                now.minus(Duration.ofMinutes(90)), Optional.empty());
        Finding overdue = RepairOverdueCheck.judge(late, now);
        assertEquals(Result.Status.CRITICAL, overdue.status());
        assertTrue(overdue.finding().contains("1 h 30 min late"), overdue.finding());
        assertEquals(Result.Status.OK, RepairOverdueCheck.judge(late, now.minus(Duration.ofMinutes(40))).status(),
                "within the hour's grace");

        RepairLoopStatus runningLong = new RepairLoopStatus(true, day, Duration.ofHours(2), Optional.of(last),
                now.minus(Duration.ofHours(30)), Optional.of(now.minus(Duration.ofHours(26))));
        assertEquals(Result.Status.WARN, RepairOverdueCheck.judge(runningLong, now).status());

        RepairLoopStatus off = new RepairLoopStatus(false, day, Duration.ofHours(2), Optional.empty(), now,
                Optional.empty());
        Finding disabled = RepairOverdueCheck.judge(off, now);
        assertEquals(Result.Status.WARN, disabled.status());
        assertTrue(disabled.whatToDo().contains("repairLoopEnabled"), disabled.whatToDo());

        RepairRound failing = new RepairRound(last.startedAt(), last.endedAt(), 12, 0, 0, 3, "");
        assertEquals(Result.Status.WARN, RepairOverdueCheck.judge(new RepairLoopStatus(true, day, Duration.ZERO,
                Optional.of(failing), now.plus(day), Optional.empty()), now).status());
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, new RepairOverdueCheck().execute().getStatus(),
                "no replication");
    }

    @Test
    void quarantinedFilesWarnUntilTheOperatorRemovesThem() {
        assertEquals(Result.Status.OK, QuarantineCheck.judge(List.of()).status());
        List<QuarantinedFile> files = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            files.add(new QuarantinedFile("ab12/00" + i + ".shard", 1024, Instant.now(), "no manifest explains it"));
        }
        Finding warn = QuarantineCheck.judge(files);
        assertEquals(Result.Status.WARN, warn.status());
        assertTrue(warn.finding().startsWith("7 file(s), 7.0 KiB"), warn.finding());
        assertTrue(warn.finding().contains("and 2 more"), warn.finding());
        assertTrue(warn.finding().contains("no manifest explains it"), warn.finding());
        assertTrue(warn.whatToDo().contains(".why"), warn.whatToDo());
    }

    private static ContentHash hash(int seed) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) seed;
        return new ContentHash(bytes);
    }

    private static TesseraStatus status(ContentHash hash, RepairAction action) {
        return new TesseraStatus(plan(hash), 24, true, 7,
                Optional.of(new HealthRecord(hash, action, Instant.now(), "")));
    }

    private static TesseraStatus unchecked(ContentHash hash) {
        return new TesseraStatus(plan(hash), 24, true, 0, Optional.empty());
    }

    private static FragmentPlan plan(ContentHash hash) {
        return FragmentPlan.of(hash, 5L << 20, FragmentationTier.MEDIUM, 16, 8, 7);
    }

    private static FreeSpaceConfiguration freeSpaceConfig(long minFreeSpaceBytes) {
        return new FreeSpaceConfiguration() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return FreeSpaceConfiguration.class;
            }

            @Override
            public long minFreeSpaceBytes() {
                return minFreeSpaceBytes;
            }
        };
    }
}
