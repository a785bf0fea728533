package org.tesseras.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ReplicationJournal;
import org.tesseras.api.port.ReplicationService;

/** {@code tesseras:status [hash]}: the tesseras this node owns or holds fragments of. */
@Service
@Command(scope = "tesseras", name = "status",
        description = "Lists the tesseras held here: size, tier, fragments, holders, last check")
public class StatusCommand implements Action {

    @Reference
    ReplicationService replication;

    @Reference
    FragmentStore fragments;

    @Reference
    BlobStore blobs;

    @Reference
    ReplicationJournal journal;

    @Argument(index = 0, name = "hash", description = "Only this tessera")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Override
    public Object execute() {
        List<TesseraStatus> statuses;
        if (hash != null) {
            statuses = replication.status(TesseraHashes.parse(hash)).map(List::of).orElse(List.of());
            if (statuses.isEmpty()) {
                System.out.println("Tessera " + hash + " is not known to this node");
                return null;
            }
        } else {
            statuses = replication.status();
        }
        if (statuses.isEmpty()) {
            System.out.println("No tesseras here yet: add one with tesseras:put <file>");
            printNodeState();
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Tessera");
        table.column("Size").alignRight();
        table.column("Tier");
        table.column("Here").alignRight();
        table.column("Owner");
        table.column("Holders").alignRight();
        table.column("Last check");
        table.column("Verdict");
        for (TesseraStatus status : statuses) {
            var plan = status.plan();
            table.addRow().addContent(plan.tesseraHash().hex(), Sizes.bytes(plan.tesseraSize()),
                    plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards(),
                    status.localFragments() + "/" + plan.totalShards(), status.owned() ? "yes" : "no",
                    status.holders(), status.lastHealth().map(h -> Sizes.ago(h.checkedAt())).orElse("never"),
                    status.lastHealth().map(h -> Verdicts.describe(h.action())).orElse(""));
        }
        table.print(System.out);
        if (hash != null) {
            statuses.get(0).lastHealth().filter(h -> !h.detail().isBlank())
                    .ifPresent(h -> System.out.println("Last check: " + h.detail()));
        } else {
            printNodeState();
        }
        return null;
    }

    /** Quarantined files, puts that did not finish, the last repair round. */
    private void printNodeState() {
        int quarantined = fragments.quarantined().size() + blobs.quarantined().size();
        if (quarantined > 0) {
            System.out.println(quarantined + " file(s) in quarantine (kept, not used: bytes that no manifest or hash"
                    + " explains); see the quarantine/ directory beside fragments/");
        }
        for (PutRecord put : journal.recentPuts(20)) {
            if (!put.ended()) {
                System.out.println("Put of " + put.source() + " under way since " + Sizes.ago(put.startedAt()));
            } else if (put.outcome().startsWith("interrupted") || put.outcome().startsWith("the node stopped")
                    || put.outcome().startsWith("completed after a restart")) {
                System.out.println("Put of " + put.source() + ": " + put.outcome());
            }
        }
        journal.lastRepairRound().ifPresentOrElse(round -> System.out.println("Last repair round "
                + Sizes.ago(round.startedAt()) + ": " + round.tesseras() + " tesseras, " + round.repaired()
                + " repaired, " + round.lost() + " lost, " + round.failed() + " failed"),
                () -> System.out.println("No repair round has run yet"));
    }
}
