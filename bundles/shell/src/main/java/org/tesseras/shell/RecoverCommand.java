package org.tesseras.shell;

import java.io.IOException;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.RecoveryReport;
import org.tesseras.api.port.ReplicationService;

/**
 * {@code tesseras:recover}: on a node running with an owner's restored identity key, finds every tessera that
 * owner had (its signed catalogue in the DHT), takes back their manifests and holders and repairs each as owner.
 */
@Service
@Command(scope = "tesseras", name = "recover",
        description = "Takes back, from the network, every tessera this node's identity owns: reads its catalogue,"
                + " records each manifest and its holders, rebuilds the fragments here and repairs what is missing")
public class RecoverCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Override
    protected void doExecute() throws CommandException, IOException {
        ReplicationService service = require(replication, ReplicationService.class);
        long start = System.nanoTime();
        RecoveryReport report = service.recover(new ProgressPrinter(System.out));
        System.out.println();
        if (!report.tesseras().isEmpty()) {
            ShellTable table = table(text("Tessera"), number("Size"), number("Holders"), text("Health"),
                    text("Detail"));
            for (RecoveryReport.Entry entry : report.tesseras()) {
                table.addRow().addContent(entry.tessera().hex(), entry.plan().map(p -> Sizes.bytes(p.tesseraSize()))
                        .orElse("?"), entry.holders(), entry.health().map(Verdicts::describe)
                                .orElse(entry.recovered() ? "not checked" : "NOT RECOVERED"), entry.detail());
            }
            print(table);
        }
        report.notes().forEach(note -> System.out.println("  " + note));
        System.out.printf("Recovered %d of %d tessera(s) catalogued by %s in %.1f s (%d of %d catalogue pages);"
                + " %d healthy%n", report.recovered(), report.tesseras().size(), report.owner(),
                (System.nanoTime() - start) / 1e9, report.cataloguePagesFound(), report.cataloguePages(),
                report.healthy());
        if (report.recovered() < report.tesseras().size()) {
            throw failureLine("INCOMPLETE: " + (report.tesseras().size() - report.recovered()) + " catalogued"
                    + " tessera(s) could not be found now; run tesseras:recover again later");
        }
    }
}
