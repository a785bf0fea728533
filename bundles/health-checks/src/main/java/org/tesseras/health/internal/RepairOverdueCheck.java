package org.tesseras.health.internal;

import java.time.Duration;
import java.time.Instant;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.port.ReplicationService;

/**
 * Repair rounds run on time: the loop is on, the round due has started (within an hour of its time), a running
 * round has not taken longer than the interval, and the last round could repair every tessera it looked at.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + RepairOverdueCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=tesseras-health",
    HealthCheck.MBEAN_NAME + "=tesseras-repair-overdue"})
public final class RepairOverdueCheck extends NodeCheck {
    static final String NAME = "Repair rounds on time";
    /** How late a round may start before the check calls it overdue (the loop looks at most every minute). */
    static final Duration GRACE = Duration.ofHours(1);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReplicationService replication;

    @Override
    Finding examine() {
        ReplicationService running = replication;
        return running == null ? TesseraVerdicts.replicationMissing() : judge(running.repairLoopStatus(), Instant.now());
    }

    static Finding judge(RepairLoopStatus loop, Instant now) {
        String last = loop.lastRound().map(RepairOverdueCheck::describe).orElse("no round has run yet");
        if (!loop.enabled()) {
            return Finding.warn("Repair rounds do not run on their own (repairLoopEnabled = false): lost fragments"
                    + " are not replaced; " + last, "Set repairLoopEnabled = true in etc/org.tesseras.replication.cfg,"
                    + " or run tesseras:repair yourself at least once a day");
        }
        Duration overdue = loop.overdueAt(now);
        if (overdue.compareTo(GRACE) > 0) {
            return Finding.critical("The repair round due at " + loop.nextRoundAt() + " has not started, "
                    + Sizes.duration(overdue) + " late; " + last, "Read the node log (log:display) for the repair"
                    + " loop's errors, run tesseras:repair now, and restart bundle tesseras-replication if rounds stay"
                    + " overdue");
        }
        if (loop.runningSince().isPresent()) {
            Duration running = Duration.between(loop.runningSince().get(), now);
            if (running.compareTo(loop.interval()) > 0) {
                return Finding.warn("A repair round has been running for " + Sizes.duration(running) + ", longer than"
                        + " the interval of " + Sizes.duration(loop.interval()) + "; " + last,
                        "Read the node log (log:display) for what it waits on; tesseras:health <hash> checks one"
                                + " tessera");
            }
            return Finding.ok("A repair round is running since " + loop.runningSince().get() + "; " + last);
        }
        if (loop.lastRound().isPresent() && loop.lastRound().get().failed() > 0) {
            return Finding.warn("The last repair round could not repair " + loop.lastRound().get().failed()
                    + " tesseras; " + last, "Read the node log (log:display) for \"Repairing ... failed\"; run"
                    + " tesseras:repair <hash> for one of them to see the error");
        }
        return Finding.ok(capitalized(last) + "; the next is due at " + loop.nextRoundAt());
    }

    private static String describe(RepairRound round) {
        String text = "the last round started at " + round.startedAt() + " and took " + Sizes.duration(round.duration())
                + ": " + round.tesseras() + " tesseras, " + round.repaired() + " repaired, " + round.lost() + " lost, "
                + round.failed() + " failed";
        return round.note().isEmpty() ? text : text + " (" + round.note() + ")";
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
