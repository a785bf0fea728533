package org.tesseras.shell;

import java.io.IOException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.HealthReport;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.shell.completers.TesseraHashCompleter;

/** {@code tesseras:health <hash>}: challenges every holder and verifies local fragments now. */
@Service
@Command(scope = "tesseras", name = "health",
        description = "Asks every holder of a tessera to prove possession, verifies local fragments, and says what it"
                + " needs")
public class HealthCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Argument(index = 0, name = "hash", description = "The tessera's BLAKE3 hash", required = true)
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Override
    protected void doExecute() throws CommandException, IOException {
        HealthReport report = require(replication, ReplicationService.class).checkHealth(tesseraHash(hash));
        System.out.println("Tessera " + hash + ": " + Verdicts.describe(report.action()));
        if (!report.corruptLocal().isEmpty()) {
            System.out.println("  corrupt local fragments: " + report.corruptLocal());
        }
        if (report.holders().isEmpty()) {
            System.out.println("  no holders of it are known here");
            return;
        }
        ShellTable table = table(text("Holder"), text("State"), text("Fragments"), text("Detail"));
        for (HealthReport.HolderCheck check : report.holders()) {
            table.addRow().addContent(check.node().hex(), check.state(), check.indices(), check.detail());
        }
        print(table);
    }
}
