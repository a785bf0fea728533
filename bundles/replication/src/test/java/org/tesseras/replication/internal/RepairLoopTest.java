package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.RepairRound;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;
import org.tesseras.holders.derby.internal.DerbyReplicationJournal;

class RepairLoopTest {
    static final Duration DAY = Duration.ofHours(24);
    static final Duration TWO_HOURS = Duration.ofHours(2);
    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    /** A clock that moves only when told to. */
    static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("a manual clock has one zone");
        }
    }

    @Test
    void theScheduleCountsFromTheLastRoundAndRunsAnOverdueOneSoonAfterStart() {
        RepairSchedule schedule = new RepairSchedule(DAY, TWO_HOURS, FIVE_MINUTES, 42);
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        assertEquals(start.plus(FIVE_MINUTES), schedule.nextRoundAt(Optional.empty(), start), "never ran: soon");

        Instant last = start.minus(Duration.ofHours(3));
        Instant due = schedule.nextRoundAt(Optional.of(last), start);
        assertTrue(!due.isBefore(last.plus(DAY)) && !due.isAfter(last.plus(DAY).plus(TWO_HOURS)), due.toString());
        assertEquals(due, schedule.nextRoundAt(Optional.of(last), start.plus(Duration.ofHours(7))),
                "a restart later does not move it");

        Instant longAgo = start.minus(Duration.ofDays(9));
        assertEquals(start.plus(FIVE_MINUTES), schedule.nextRoundAt(Optional.of(longAgo), start), "overdue: soon");

        long seen = schedule.jitterMillis(last);
        assertEquals(seen, schedule.jitterMillis(last), "the jitter after a round is fixed");
        List<Long> jitters = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long jitter = schedule.jitterMillis(last.plusSeconds(i));
            assertTrue(jitter >= 0 && jitter <= TWO_HOURS.toMillis(), "" + jitter);
            jitters.add(jitter);
        }
        assertTrue(jitters.stream().distinct().count() > 150, "rounds get different jitters");
        assertEquals(0, new RepairSchedule(DAY, Duration.ZERO, FIVE_MINUTES, 42).jitterMillis(last));
    }

    @Test
    void restartingOrReconfiguringEveryHalfIntervalStillRunsRoundsOnTime() throws Exception {
        DerbyNodeDataSource database = TestDatabase.inMemory();
        try {
            DerbyReplicationJournal journal = new DerbyReplicationJournal(database);
            ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
            List<Instant> rounds = new ArrayList<>();
            Runnable round = () -> {
                rounds.add(clock.instant());
                journal.repairRoundEnded(new RepairRound(clock.instant(), clock.instant(), 0, 0, 0, 0, ""));
            };
            RepairSchedule schedule = new RepairSchedule(DAY, TWO_HOURS, FIVE_MINUTES, 7);
            RepairLoop loop = null;
            Duration tick = Duration.ofMinutes(1);
            Duration days = Duration.ofDays(10);
            int halfIntervals = 0;
            for (Duration elapsed = Duration.ZERO; elapsed.compareTo(days) < 0; elapsed = elapsed.plus(tick)) {
                if (elapsed.toMinutes() % DAY.dividedBy(2).toMinutes() == 0) {
                    halfIntervals++;
                    if (loop == null || halfIntervals % 2 == 0) {
                        if (loop != null) {
                            loop.stop();
                        }
                        loop = new RepairLoop(round, clock, () -> journal.lastRepairRound().map(RepairRound::startedAt),
                                schedule, true);
                    } else {
                        loop.reschedule(new RepairSchedule(DAY, TWO_HOURS, FIVE_MINUTES, 7), true);
                    }
                }
                loop.tick();
                clock.advance(tick);
            }
            loop.stop();

            assertTrue(rounds.size() >= 9, rounds.size() + " rounds in 10 days: " + rounds);
            Duration latest = DAY.plus(TWO_HOURS).plus(FIVE_MINUTES).plus(tick);
            for (int i = 1; i < rounds.size(); i++) {
                Duration gap = Duration.between(rounds.get(i - 1), rounds.get(i));
                assertTrue(gap.compareTo(DAY) >= 0 && gap.compareTo(latest) <= 0,
                        "round " + i + " came " + gap + " after the one before");
            }
        } finally {
            database.close();
        }
    }

    @Test
    void withoutADueRoundTicksDoNothingAndADisabledLoopNeverRunsOnItsOwn() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
        AtomicInteger rounds = new AtomicInteger();
        RepairLoop loop = new RepairLoop(rounds::incrementAndGet, clock, Optional::empty,
                new RepairSchedule(DAY, Duration.ZERO, FIVE_MINUTES, 1), false);
        clock.advance(Duration.ofDays(3));
        loop.tick();
        assertEquals(0, rounds.get(), "disabled");
        loop.reschedule(new RepairSchedule(DAY, Duration.ZERO, FIVE_MINUTES, 1), true);
        loop.tick();
        assertEquals(1, rounds.get(), "enabled and overdue");
        loop.tick();
        assertEquals(1, rounds.get(), "the round just run counts even when no journal recorded it");
        loop.stop();
    }

    @Test
    void roundsRunOnTheirOwnAndOnDemand() throws Exception {
        CountDownLatch two = new CountDownLatch(2);
        RepairLoop loop = new RepairLoop(two::countDown, Clock.systemUTC(), Optional::empty,
                new RepairSchedule(Duration.ofMillis(100), Duration.ZERO, Duration.ZERO, 1), true);
        loop.start();
        assertTrue(two.await(30, TimeUnit.SECONDS), "scheduled rounds run again and again");
        CountDownLatch manual = new CountDownLatch(1);
        RepairLoop triggered = new RepairLoop(manual::countDown, Clock.systemUTC(), Optional::empty,
                new RepairSchedule(DAY, Duration.ZERO, DAY, 1), true);
        triggered.triggerNow();
        assertTrue(manual.await(30, TimeUnit.SECONDS), "a round can be started at once");
        loop.stop();
        triggered.stop();
        assertTrue(loop.isStopped() && triggered.isStopped());
    }

    @Test
    void stoppingInterruptsARunningRoundAndLeavesNoThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        RepairLoop loop = new RepairLoop(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, Clock.systemUTC(), Optional::empty, new RepairSchedule(DAY, Duration.ZERO, DAY, 1), true);
        loop.triggerNow();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        loop.stop();
        assertTrue(interrupted.await(1, TimeUnit.SECONDS));
        assertTrue(loop.isStopped());
        assertEquals(1, loop.threads().size(), "the round ran on the loop's own thread");
        assertTrue(loop.threads().stream().noneMatch(Thread::isAlive), "stop() returns only once its thread has ended");
    }
}
