package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link CipherWarmUp}: seals and opens its whole budget, and stops with its thread when told. */
class CipherWarmUpTest {
    @Test
    void sealsAndOpensItsWholeBudget() throws InterruptedException {
        CipherWarmUp warmUp = new CipherWarmUp(1L << 20);
        warmUp.start();
        assertTrue(warmUp.awaitCompletion());
    }

    @Test
    void stopEndsItsThreadBeforeTheBudgetIsDone() throws InterruptedException {
        CipherWarmUp warmUp = new CipherWarmUp(Long.MAX_VALUE);
        warmUp.start();
        warmUp.stop();
        assertFalse(warmUp.awaitCompletion());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                t -> t.getName().equals(CipherWarmUp.THREAD_NAME) && t.isAlive()));
    }
}
