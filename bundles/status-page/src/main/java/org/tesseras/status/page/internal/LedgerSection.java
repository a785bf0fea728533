package org.tesseras.status.page.internal;

import java.util.List;

import org.tesseras.api.model.LedgerEntry;

/** The reciprocity account with each peer, highest balance first: {@code tesseras:ledger}. */
final class LedgerSection implements StatusSection {

    @Override
    public String id() {
        return "ledger";
    }

    @Override
    public String title() {
        return "Ledger";
    }

    @Override
    public void render(NodeView node, Html html) {
        if (node.ledger().isEmpty()) {
            html.paragraph("warn", "The ledger is not available (bundle tesseras-ledger-derby).");
            return;
        }
        List<LedgerEntry> entries = node.ledger().get().entries();
        if (entries.isEmpty()) {
            html.paragraph(null, "The ledger is empty: peers appear once fragments are exchanged with them.");
            return;
        }
        html.table("Peer", "Stored for them", "They store for us", "Balance", "Last updated");
        for (LedgerEntry entry : entries) {
            html.row(new Html.Cell("hash", entry.peer().hex()), Units.bytes(entry.bytesStoredForThem()),
                    Units.bytes(entry.bytesTheyStoreForUs()),
                    new Html.Cell(entry.balance() < 0 ? "status warn" : null, Units.bytes(entry.balance())),
                    Units.ago(entry.lastUpdated(), node.now()));
        }
        html.endTable();
    }
}
