package org.tesseras.erasure.rs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class TaskSpreaderTest {

    @Test
    void everyTaskRunsExactlyOnce() throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(3);
        try {
            TaskSpreader spreader = new TaskSpreader(workers, 4);
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            spreader.run(1000, runs::incrementAndGet);
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, runs.get(i), "task " + i);
            }
        } finally {
            workers.shutdown();
            assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theFirstFailureIsRethrownToTheCaller() throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(1);
        try {
            TaskSpreader spreader = new TaskSpreader(workers, 2);
            IllegalStateException failure = new IllegalStateException("task 7 failed");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> spreader.run(50, i -> {
                if (i == 7) {
                    throw failure;
                }
            }));
            assertSame(failure, thrown);
        } finally {
            workers.shutdown();
            assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theCallerDoesTheWorkWhenNoWorkerStarts() {
        List<Runnable> neverRun = new ArrayList<>();
        TaskSpreader spreader = new TaskSpreader(neverRun::add, 2);
        AtomicIntegerArray runs = new AtomicIntegerArray(20);
        spreader.run(20, runs::incrementAndGet);
        for (int i = 0; i < 20; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
        assertEquals(1, neverRun.size(), "one helper was offered the batch");
        neverRun.get(0).run();
        for (int i = 0; i < 20; i++) {
            assertEquals(1, runs.get(i), "a late helper finds nothing left to do");
        }
    }

    @Test
    void aStoppedExecutorOnlyMeansTheCallerWorksAlone() {
        ExecutorService stopped = Executors.newFixedThreadPool(1);
        stopped.shutdown();
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        new TaskSpreader(stopped, 2).run(10, runs::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
    }
}
