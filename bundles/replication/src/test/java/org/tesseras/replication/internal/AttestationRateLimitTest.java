package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.NodeId;

class AttestationRateLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AttestationRateLimit limit = new AttestationRateLimit(now::get);

    private static NodeId peer(int n) {
        return NodeId.of(String.format("%040x", n + 1));
    }

    @Test
    void aNewPeerGetsABurstNotAMinutesWorthThenItsRate() {
        int granted = 0;
        for (int i = 0; i < 120; i++) {
            Optional<AttestationRateLimit.Permit> permit = limit.tryStart(peer(1), 120);
            permit.ifPresent(AttestationRateLimit.Permit::close);
            granted += permit.isPresent() ? 1 : 0;
        }
        assertEquals(AttestationRateLimit.BURST, granted, "back to back, at 120 a minute");
        now.addAndGet(500);
        assertTrue(limit.tryStart(peer(1), 120).isPresent(), "half a second later: one more (120 a minute)");
    }

    @Test
    void onePeerHasOneAttestationInProgressAndAllPeersTogetherAFew() {
        AttestationRateLimit.Permit first = limit.tryStart(peer(1), 120).orElseThrow();
        assertTrue(limit.tryStart(peer(1), 120).isEmpty(), "a second one of the same peer while the first runs");

        List<AttestationRateLimit.Permit> running = new ArrayList<>(List.of(first));
        for (int p = 2; running.size() < AttestationRateLimit.AT_ONCE; p++) {
            running.add(limit.tryStart(peer(p), 120).orElseThrow());
        }
        assertTrue(limit.tryStart(peer(99), 120).isEmpty(), "a new peer while " + AttestationRateLimit.AT_ONCE
                + " are being answered");

        first.close();
        assertTrue(limit.tryStart(peer(99), 120).isPresent(), "a place is free again");
        assertTrue(limit.tryStart(peer(1), 120).isEmpty(), "taken by peer 99, so peer 1 waits");
    }

    @Test
    void aRefusalTakesNothingFromThePeersAllowance() {
        List<AttestationRateLimit.Permit> running = new ArrayList<>();
        for (int p = 2; running.size() < AttestationRateLimit.AT_ONCE; p++) {
            running.add(limit.tryStart(peer(p), 120).orElseThrow());
        }
        for (int i = 0; i < 50; i++) {
            assertTrue(limit.tryStart(peer(1), 120).isEmpty());
        }
        running.forEach(AttestationRateLimit.Permit::close);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            Optional<AttestationRateLimit.Permit> permit = limit.tryStart(peer(1), 120);
            permit.ifPresent(AttestationRateLimit.Permit::close);
            granted += permit.isPresent() ? 1 : 0;
        }
        assertEquals(AttestationRateLimit.BURST, granted, "its whole burst is still there");
    }
}
