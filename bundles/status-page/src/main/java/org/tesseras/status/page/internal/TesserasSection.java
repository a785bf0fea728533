package org.tesseras.status.page.internal;

import java.util.List;

import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.TesseraStatus;

/** The tesseras this node owns or holds fragments of, with their last health check: {@code tesseras:status}. */
final class TesserasSection implements StatusSection {

    @Override
    public String id() {
        return "tesseras";
    }

    @Override
    public String title() {
        return "Tesseras";
    }

    @Override
    public void render(NodeView node, Html html) {
        if (node.replication().isEmpty()) {
            html.paragraph("warn", "Replication is not running (bundle tesseras-replication).");
            return;
        }
        List<TesseraStatus> statuses = node.replication().get().status();
        if (statuses.isEmpty()) {
            html.paragraph(null, "No tesseras here yet: add one with tesseras:put <file>.");
            return;
        }
        html.paragraph(null, statuses.size() + (statuses.size() == 1 ? " tessera" : " tesseras") + ".");
        html.table("Tessera", "Size", "Tier", "Fragments here", "Owner", "Holders", "Health", "Last check");
        for (TesseraStatus status : statuses) {
            FragmentPlan plan = status.plan();
            html.row(new Html.Cell("hash", plan.tesseraHash().hex()), Units.bytes(plan.tesseraSize()),
                    plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards(),
                    status.localFragments() + "/" + plan.totalShards(), status.owned() ? "yes" : "no",
                    status.holders(), health(status), status.lastHealth()
                            .map(record -> Units.ago(record.checkedAt(), node.now())).orElse("never"));
        }
        html.endTable();
    }

    static Html.Cell health(TesseraStatus status) {
        if (status.lastHealth().isEmpty()) {
            return new Html.Cell("status unknown", "not checked yet");
        }
        HealthRecord record = status.lastHealth().get();
        String detail = record.detail().isBlank() ? "" : " (" + record.detail() + ")";
        RepairAction action = record.action();
        if (action instanceof RepairAction.NeedsReplication needs) {
            return new Html.Cell("status warn", "needs replication: " + needs.deficit() + " missing" + detail);
        }
        if (action instanceof RepairAction.CorruptLocal corrupt) {
            return new Html.Cell("status warn", "corrupt local fragment " + corrupt.fragmentIndex() + detail);
        }
        if (action instanceof RepairAction.Lost lost) {
            return new Html.Cell("status critical", "LOST: " + lost.available() + " of " + lost.needed()
                    + " fragments survive" + detail);
        }
        return new Html.Cell("status ok", "healthy");
    }
}
