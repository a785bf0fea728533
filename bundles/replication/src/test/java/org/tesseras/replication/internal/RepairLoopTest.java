package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The repair loop's schedule, manual trigger and clean stop. */
class RepairLoopTest {

    @Test
    void roundsRunOnTheScheduleAndOnDemand() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        RepairLoop loop = new RepairLoop(() -> {
            rounds.incrementAndGet();
            three.countDown();
        }, Duration.ofMillis(20), Duration.ofMillis(10));
        loop.schedule(true, Duration.ofMillis(20), Duration.ofMillis(10));
        assertTrue(three.await(30, TimeUnit.SECONDS), "scheduled rounds run again and again");
        loop.schedule(false, Duration.ofHours(24), Duration.ZERO);
        int before = rounds.get();
        CountDownLatch manual = new CountDownLatch(1);
        RepairLoop triggered = new RepairLoop(manual::countDown, Duration.ofHours(24), Duration.ZERO);
        triggered.triggerNow();
        assertTrue(manual.await(30, TimeUnit.SECONDS), "a round can be started at once");
        loop.stop();
        triggered.stop();
        assertTrue(loop.isStopped() && triggered.isStopped());
        assertTrue(rounds.get() <= before + 1, "disabling the schedule stops further rounds");
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
        }, Duration.ofHours(24), Duration.ZERO);
        loop.triggerNow();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        loop.stop();
        assertTrue(interrupted.await(1, TimeUnit.SECONDS));
        assertTrue(loop.isStopped());
        assertEquals(1, loop.threads().size(), "the round ran on the loop's own thread");
        assertTrue(loop.threads().stream().noneMatch(Thread::isAlive), "stop() returns only once its thread has ended");
    }
}
