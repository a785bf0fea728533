package org.tesseras.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.port.ReplicationService;

/**
 * {@code tesseras:put <file>}: keeps a file as a tessera and places its fragments on peers. Exit status 0 only
 * when every fragment was placed: otherwise the last line starts with {@code INCOMPLETE:} (the tessera is kept
 * here, and the repair loop places the rest), for a script must not count a tessera that would not survive this
 * node as safe.
 */
@Service
@Command(scope = "tesseras", name = "put", description = "Stores a file as a tessera and places its fragments on peers")
public class PutCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Reference
    Session session;

    @Argument(index = 0, name = "file", description = "The file to keep", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    protected void doExecute() throws CommandException, IOException {
        Path path = Path.of(file).toAbsolutePath();
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw failure("no readable file at " + path + ": give the path of a file this node can read");
        }
        ReplicationService service = require(replication, ReplicationService.class);
        long size = Files.size(path);
        System.out.println("Putting " + path + " (" + Sizes.bytes(size) + ")");
        long start = System.nanoTime();
        PlacementReport report = service.replicate(path, new ProgressPrinter(session.getConsole()));
        double seconds = (System.nanoTime() - start) / 1e9;
        FragmentPlan plan = report.plan();
        System.out.println("Tessera " + plan.tesseraHash().hex());
        System.out.printf("  put in %.2f s (%.1f MB/s)%n", seconds, size / 1e6 / seconds);
        System.out.println("  " + plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards() + ", shards of "
                + Sizes.bytes(plan.shardSize()) + ", replication factor " + plan.replicationFactor());
        System.out.println("  placed " + report.fragmentsPlaced() + " of " + report.fragmentsWanted()
                + " fragments on " + report.peersUsed() + " peers; survives the loss of "
                + report.survivablePeerLosses() + " of them");
        if (!report.refusals().isEmpty()) {
            ShellTable refusals = table(text("Peer"), text("Refused"), text("Detail"));
            report.refusals().forEach(r -> refusals.addRow().addContent(r.peer().shortHex(),
                    r.reason().map(Enum::name).orElse("FAILED"), r.detail()));
            print(refusals);
        }
        report.notes().forEach(note -> System.out.println("  " + note));
        if (!report.complete()) {
            System.out.flush();
            throw failureLine("INCOMPLETE: " + report.fragmentsPlaced() + " of " + report.fragmentsWanted()
                    + " fragments are placed on peers; this node keeps tessera " + plan.tesseraHash().hex()
                    + " and the repair loop will place the other "
                    + (report.fragmentsWanted() - report.fragmentsPlaced())
                    + " (tesseras:repair " + plan.tesseraHash().hex() + " tries now)");
        }
    }
}
