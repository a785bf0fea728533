package org.tesseras.shell;

import java.io.IOException;
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
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.shell.completers.TesseraHashCompleter;

/** {@code tesseras:repair [hash]}: checks and repairs one tessera, or runs a whole repair round now. */
@Service
@Command(scope = "tesseras", name = "repair",
        description = "Checks and repairs a tessera now, or every tessera (most endangered first) without a hash")
public class RepairCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Argument(index = 0, name = "hash", description = "Only this tessera")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Override
    protected void doExecute() throws CommandException, IOException {
        Optional<ContentHash> only = hash == null ? Optional.empty() : Optional.of(tesseraHash(hash));
        ReplicationService service = require(replication, ReplicationService.class);
        long start = System.nanoTime();
        List<RepairReport> reports = only.isPresent() ? List.of(service.repair(only.get())) : service.repairAll();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (reports.isEmpty()) {
            System.out.println("Nothing to repair: no tesseras here");
            return;
        }
        ShellTable table = table(text("Tessera"), text("Before"), text("After"), number("Rebuilt"), number("Fetched"),
                number("Pushed"));
        for (RepairReport report : reports) {
            table.addRow().addContent(report.tesseraHash().hex(), Verdicts.describe(report.before()),
                    Verdicts.describe(report.after()), report.fragmentsRebuilt(), report.fragmentsFetched(),
                    report.fragmentsPushed());
        }
        print(table);
        System.out.printf("Repaired %d tessera(s) in %.2f s%n", reports.size(), seconds);
        for (RepairReport report : reports) {
            report.notes().forEach(note -> System.out.println(report.tesseraHash().hex().substring(0, 8) + ": "
                    + note));
        }
    }
}
