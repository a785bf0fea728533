package org.tesseras.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.health.CheckFinding;
import org.tesseras.api.health.NodeDoctor;

/** {@code tesseras:doctor}: runs the node's health checks now and says what to do. */
@Service
@Command(scope = "tesseras", name = "doctor",
        description = "Runs the node's health checks now: each check, its status and what to do")
public class DoctorCommand implements Action {

    @Reference
    NodeDoctor doctor;

    @Override
    public Object execute() {
        List<CheckFinding> findings = doctor.examine();
        if (findings.isEmpty()) {
            System.out.println("No health checks are registered: is bundle tesseras-health-checks running?");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Check");
        table.column("Status");
        table.column("Finding").maxSize(60).wrap();
        table.column("What to do").maxSize(60).wrap();
        for (CheckFinding finding : findings) {
            table.addRow().addContent(finding.check(), finding.status(), finding.finding(),
                    finding.whatToDo().isEmpty() ? "-" : finding.whatToDo());
        }
        table.print(System.out);
        long attention = findings.stream().filter(finding -> finding.status().needsAttention()).count();
        System.out.println(attention == 0 ? "All " + findings.size() + " checks are OK"
                : attention + " of " + findings.size() + " checks need attention");
        return null;
    }
}
