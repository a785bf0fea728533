package org.tesseras.shell;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.port.ReciprocityLedger;

/** {@code tesseras:ledger}: the reciprocity account with each peer, highest balance first. */
@Service
@Command(scope = "tesseras", name = "ledger",
        description = "Shows the reciprocity ledger: bytes stored for each peer, bytes it stores for us, and the balance")
public class LedgerCommand implements Action {

    @Option(name = "-n", aliases = "--top", description = "Show only the N peers with the highest balance")
    int top;

    @Reference
    ReciprocityLedger ledger;

    @Override
    public Object execute() {
        if (top < 0) {
            System.err.println("--top must be a positive number of peers, got " + top);
            return null;
        }
        List<LedgerEntry> entries = top > 0 ? ledger.bestPeers(top) : ledger.entries();
        if (entries.isEmpty()) {
            System.out.println("The ledger is empty: peers appear once fragments are exchanged with them");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Peer");
        table.column("Stored for them (bytes)").alignRight();
        table.column("They store for us (bytes)").alignRight();
        table.column("Balance (bytes)").alignRight();
        table.column("Last updated");
        for (LedgerEntry entry : entries) {
            table.addRow().addContent(entry.peer().hex(), entry.bytesStoredForThem(), entry.bytesTheyStoreForUs(),
                    entry.balance(), entry.lastUpdated().truncatedTo(ChronoUnit.SECONDS));
        }
        table.print(System.out);
        return null;
    }
}
