package org.tesseras.shell;

import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.CustodyStatus;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeStatus;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.RepairLoopStatus;
import org.tesseras.api.model.TesseraStatus;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.Transport;
import org.tesseras.shell.completers.TesseraHashCompleter;

/**
 * {@code tesseras:status [hash]}: the tesseras this node owns or holds fragments of, and what to know about the
 * node itself (quarantine, puts, the last repair round, network services that are not running).
 */
@Service
@Command(scope = "tesseras", name = "status",
        description = "Lists the tesseras held here: size, tier, fragments, holders, last check")
public class StatusCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Reference(optional = true)
    Transport transport;

    @Reference(optional = true)
    DhtPort dht;

    @Argument(index = 0, name = "hash", description = "Only this tessera")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Override
    protected void doExecute() throws CommandException {
        Optional<ContentHash> only = hash == null ? Optional.empty() : Optional.of(tesseraHash(hash));
        ReplicationService service = require(replication, ReplicationService.class);
        List<TesseraStatus> statuses;
        if (only.isPresent()) {
            statuses = service.status(only.get()).map(List::of).orElse(List.of());
            if (statuses.isEmpty()) {
                System.out.println("Tessera " + hash + " is not known to this node");
                return;
            }
        } else {
            statuses = service.status();
        }
        if (statuses.isEmpty()) {
            System.out.println("No tesseras here yet: add one with tesseras:put <file>");
        } else {
            ShellTable table = table(text("Tessera"), number("Size"), text("Tier"), number("Here"), text("Owner"),
                    number("Holders"), text("Last check"), text("Verdict"));
            for (TesseraStatus status : statuses) {
                FragmentPlan plan = status.plan();
                table.addRow().addContent(plan.tesseraHash().hex(), Sizes.bytes(plan.tesseraSize()),
                        plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards(),
                        status.localFragments() + "/" + plan.totalShards(), status.owned() ? "yes" : "no",
                        status.holders(), status.lastHealth().map(h -> Sizes.ago(h.checkedAt())).orElse("never"),
                        status.lastHealth().map(h -> Verdicts.describe(h.action())).orElse(""));
            }
            print(table);
        }
        if (only.isPresent()) {
            statuses.get(0).lastHealth().filter(h -> !h.detail().isBlank())
                    .ifPresent(h -> System.out.println("Last check: " + h.detail()));
            printCustody(service, only.get());
        } else {
            printNode(service.nodeStatus(), service.repairLoopStatus());
        }
    }

    /** Who looks after the tessera: when its owner was last heard, and the custodian while it is silent. */
    private void printCustody(ReplicationService service, ContentHash tessera) {
        Optional<CustodyStatus> custody;
        try {
            custody = service.custody(tessera);
        } catch (IllegalStateException networkDown) {
            System.out.println("Custody: unknown (" + networkDown.getMessage() + ")");
            return;
        }
        if (custody.isEmpty()) {
            return;
        }
        CustodyStatus status = custody.get();
        System.out.println("Owner: " + status.owner() + ", last heard " + status.ownerLastHeard()
                .map(Sizes::ago).orElse("never, as far as the DHT remembers"));
        if (!status.ownerSilent()) {
            System.out.println("Custodian: none (the owner looks after it)");
        } else {
            System.out.println("Custodian: " + status.custodian().map(id -> id + (status.leadHere() ? " (this node, "
                    + status.repairsLedHere() + " repair(s) led here)" : "")).orElse("none: no live holder has"
                            + " announced itself"));
        }
    }

    /** Quarantined files, puts under way or cut short, the repair loop, the network services not running. */
    private void printNode(NodeStatus node, RepairLoopStatus loop) {
        if (node.quarantinedFiles() > 0) {
            System.out.println(node.quarantinedFiles() + " file(s) in quarantine (kept, not used: bytes that no"
                    + " manifest or hash explains); see the quarantine/ directory beside fragments/");
        }
        for (PutRecord put : node.putsUnderWay()) {
            System.out.println("Put of " + put.source() + " under way since " + Sizes.ago(put.startedAt()));
        }
        for (PutRecord put : node.putsCutShort()) {
            System.out.println("Put of " + put.source() + ": " + put.outcome());
        }
        loop.lastRound().ifPresentOrElse(round -> System.out.println("Last repair round "
                + Sizes.ago(round.startedAt()) + ": " + round.tesseras() + " tesseras, " + round.repaired()
                + " repaired, " + round.lost() + " lost, " + round.failed() + " failed"),
                () -> System.out.println("No repair round has run yet"));
        if (loop.runningSince().isPresent()) {
            System.out.println("A repair round is running (started " + Sizes.ago(loop.runningSince().get()) + ")");
        } else if (loop.enabled()) {
            System.out.println("Next repair round " + Sizes.when(loop.nextRoundAt()));
        } else {
            System.out.println("The repair loop is off (repairLoopEnabled in etc/org.tesseras.replication.cfg):"
                    + " tesseras:repair runs a round");
        }
        if (transport == null) {
            System.out.println("Not reachable by peers: " + missing(Transport.class));
        }
        if (dht == null) {
            System.out.println("Cannot find peers or tesseras on the network: " + missing(DhtPort.class));
        }
    }
}
