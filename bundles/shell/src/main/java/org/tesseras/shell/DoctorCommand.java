package org.tesseras.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.health.CheckFinding;
import org.tesseras.api.health.NodeDoctor;

/** {@code tesseras:doctor}: runs the node's health checks now and says what to do. */
@Service
@Command(scope = "tesseras", name = "doctor",
        description = "Runs the node's health checks now: each check, its status and what to do")
public class DoctorCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    NodeDoctor doctor;

    @Override
    protected void doExecute() throws CommandException {
        List<CheckFinding> findings = require(doctor, NodeDoctor.class).examine();
        if (findings.isEmpty()) {
            throw failure("no health checks are registered: is bundle tesseras-health-checks running? (bundle:list)");
        }
        ShellTable table = table(text("Check"), text("Status"), text("Finding").maxSize(60).wrap(),
                text("What to do").maxSize(60).wrap());
        for (CheckFinding finding : findings) {
            table.addRow().addContent(finding.check(), finding.status(), finding.finding(),
                    finding.whatToDo().isEmpty() ? "-" : finding.whatToDo());
        }
        print(table);
        long attention = findings.stream().filter(finding -> finding.status().needsAttention()).count();
        System.out.println(attention == 0 ? "All " + findings.size() + " checks are OK"
                : attention + " of " + findings.size() + " checks need attention");
    }
}
