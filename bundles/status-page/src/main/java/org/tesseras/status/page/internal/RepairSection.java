package org.tesseras.status.page.internal;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.RepairRound;

/** The repair loop: the last round (it survives restarts), the next one, and a round running now. */
final class RepairSection implements StatusSection {

    @Override
    public String id() {
        return "repair";
    }

    @Override
    public String title() {
        return "Repair rounds";
    }

    @Override
    public void render(NodeView node, Html html) {
        if (node.replication().isEmpty()) {
            html.paragraph("warn", "Replication is not running (bundle tesseras-replication): no repair round runs.");
            return;
        }
        RepairLoopStatus loop = node.replication().get().repairLoopStatus();
        if (!loop.enabled()) {
            html.paragraph("status warn", "Rounds do not run on their own (repairLoopEnabled = false).");
        }
        html.table("", "");
        html.row("Schedule", "every " + hours(loop.interval()) + " + up to " + hours(loop.jitter()));
        if (loop.lastRound().isPresent()) {
            RepairRound last = loop.lastRound().get();
            html.row("Last round", last.startedAt().truncatedTo(ChronoUnit.SECONDS) + " ("
                    + Units.ago(last.startedAt(), node.now()) + "), took " + last.duration().toSeconds() + " s");
            html.row("It looked at", last.tesseras() + " tesseras: " + last.repaired() + " repaired, " + last.lost()
                    + " lost, " + last.failed() + " failed" + (last.note().isEmpty() ? "" : " (" + last.note() + ")"));
        } else {
            html.row("Last round", "none yet");
        }
        if (loop.runningSince().isPresent()) {
            html.row("Now", "a round is running since " + Units.ago(loop.runningSince().get(), node.now()));
        }
        Duration overdue = loop.overdueAt(node.now());
        html.row("Next round", overdue.isZero() ? loop.nextRoundAt().truncatedTo(ChronoUnit.SECONDS).toString()
                : new Html.Cell("status critical", "was due at " + loop.nextRoundAt().truncatedTo(ChronoUnit.SECONDS)
                        + ", " + overdue.toMinutes() + " min late"));
        html.endTable();
    }

    private static String hours(Duration duration) {
        long minutes = duration.toMinutes();
        return minutes % 60 == 0 ? minutes / 60 + " h" : minutes + " min";
    }
}
