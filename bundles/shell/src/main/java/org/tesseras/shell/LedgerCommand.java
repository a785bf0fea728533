package org.tesseras.shell;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.port.ReciprocityLedger;

/** {@code tesseras:ledger}: the reciprocity account with each peer, highest balance first. */
@Service
@Command(scope = "tesseras", name = "ledger",
        description = "Shows the reciprocity ledger: bytes stored for each peer, bytes it stores for us, and the"
                + " balance")
public class LedgerCommand extends TesserasCommandSupport {

    @Option(name = "-n", aliases = "--top", description = "Show only the N peers with the highest balance")
    int top;

    @Reference(optional = true)
    ReciprocityLedger ledger;

    @Override
    protected void doExecute() throws CommandException {
        if (top < 0) {
            throw failure("--top must be a positive number of peers, got " + top);
        }
        ReciprocityLedger accounts = require(ledger, ReciprocityLedger.class);
        List<LedgerEntry> entries = top > 0 ? accounts.bestPeers(top) : accounts.entries();
        if (entries.isEmpty()) {
            System.out.println("The ledger is empty: peers appear once fragments are exchanged with them");
            return;
        }
        ShellTable table = table(text("Peer"), number("Stored for them (bytes)"), number("They store for us (bytes)"),
                number("Balance (bytes)"), text("Last updated"));
        for (LedgerEntry entry : entries) {
            table.addRow().addContent(entry.peer().hex(), entry.bytesStoredForThem(), entry.bytesTheyStoreForUs(),
                    entry.balance(), entry.lastUpdated().truncatedTo(ChronoUnit.SECONDS));
        }
        print(table);
    }
}
