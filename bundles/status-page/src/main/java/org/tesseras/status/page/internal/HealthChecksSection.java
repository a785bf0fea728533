package org.tesseras.status.page.internal;

import java.util.List;
import java.util.Locale;

import org.tesseras.api.health.CheckFinding;

/** The node's health checks, run now, worst first, with what to do. */
final class HealthChecksSection implements StatusSection {

    @Override
    public String id() {
        return "health";
    }

    @Override
    public String title() {
        return "Health checks";
    }

    @Override
    public void render(NodeView node, Html html) {
        if (node.doctor().isEmpty()) {
            html.paragraph("warn", "The health checks are not running (bundle tesseras-health-checks).");
            return;
        }
        List<CheckFinding> findings = node.doctor().get().examine();
        long attention = findings.stream().filter(finding -> finding.status().needsAttention()).count();
        html.paragraph(attention == 0 ? "ok" : "warn", attention == 0 ? "All " + findings.size() + " checks are OK."
                : attention + " of " + findings.size() + " checks need attention.");
        html.table("Check", "Status", "Finding", "What to do");
        for (CheckFinding finding : findings) {
            html.row(finding.check(), new Html.Cell(statusClass(finding), finding.status()), finding.finding(),
                    finding.whatToDo().isEmpty() ? "-" : finding.whatToDo());
        }
        html.endTable();
    }

    static String statusClass(CheckFinding finding) {
        return "status " + finding.status().name().toLowerCase(Locale.ROOT);
    }
}
