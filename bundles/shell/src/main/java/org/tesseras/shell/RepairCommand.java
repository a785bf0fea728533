package org.tesseras.shell;

import java.io.IOException;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.RepairReport;
import org.tesseras.api.port.ReplicationService;

/** {@code tesseras:repair [hash]}: checks and repairs one tessera, or runs a whole repair round now. */
@Service
@Command(scope = "tesseras", name = "repair",
        description = "Checks and repairs a tessera now, or every tessera (most endangered first) without a hash")
public class RepairCommand implements Action {

    @Reference
    ReplicationService replication;

    @Argument(index = 0, name = "hash", description = "Only this tessera")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Override
    public Object execute() throws IOException {
        List<RepairReport> reports;
        long start = System.nanoTime();
        if (hash != null) {
            reports = List.of(replication.repair(TesseraHashes.parse(hash)));
        } else {
            reports = replication.repairAll();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (reports.isEmpty()) {
            System.out.println("Nothing to repair: no tesseras here");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Tessera");
        table.column("Before");
        table.column("After");
        table.column("Rebuilt").alignRight();
        table.column("Fetched").alignRight();
        table.column("Pushed").alignRight();
        for (RepairReport report : reports) {
            table.addRow().addContent(report.tesseraHash().hex(), Verdicts.describe(report.before()),
                    Verdicts.describe(report.after()), report.fragmentsRebuilt(), report.fragmentsFetched(),
                    report.fragmentsPushed());
        }
        table.print(System.out);
        System.out.printf("Repaired %d tessera(s) in %.2f s%n", reports.size(), seconds);
        for (RepairReport report : reports) {
            report.notes().forEach(note -> System.out.println(report.tesseraHash().hex().substring(0, 8) + ": " + note));
        }
        return null;
    }
}
