package org.tesseras.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.BackendStatus;
import org.tesseras.api.model.MigrationReport;
import org.tesseras.api.port.StorageBackends;
import org.tesseras.shell.completers.StorageBackendCompleter;

/**
 * {@code tesseras:storage}: the storage backends, which one is active and what each holds; {@code tesseras:storage
 * migrate FROM TO} moves everything from one to the other while the node serves.
 */
@Service
@Command(scope = "tesseras", name = "storage",
        description = "Lists the storage backends (active one first) and their usage; 'migrate FROM TO' copies every"
                + " manifest, fragment and blob to TO with verification, makes TO active, and empties FROM of what"
                + " verified at TO")
public class StorageCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    StorageBackends backends;

    @Argument(index = 0, name = "action", description = "list (the default) or migrate")
    @Completion(value = StringsCompleter.class, values = {"list", "migrate"})
    String action = "list";

    @Argument(index = 1, name = "from", description = "The backend to empty (migrate)")
    @Completion(StorageBackendCompleter.class)
    String from;

    @Argument(index = 2, name = "to", description = "The backend to move to (migrate)")
    @Completion(StorageBackendCompleter.class)
    String to;

    @Override
    protected void doExecute() throws CommandException, IOException {
        StorageBackends service = require(backends, StorageBackends.class);
        switch (action) {
            case "list" -> list(service);
            case "migrate" -> migrate(service);
            default -> throw failure("unknown action '" + action + "': use list, or migrate FROM TO");
        }
    }

    private void list(StorageBackends service) {
        List<BackendStatus> present = service.backends();
        if (present.isEmpty()) {
            System.out.println("No storage backend is present: install feature tesseras-storage-fs");
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Backend");
        table.column("Active");
        table.column("Rank").alignRight();
        table.column("Tesseras").alignRight();
        table.column("Fragments").alignRight();
        table.column("Fragment bytes").alignRight();
        table.column("Blobs").alignRight();
        table.column("Blob bytes").alignRight();
        table.column("Free").alignRight();
        table.column("Location");
        for (BackendStatus backend : present) {
            table.addRow().addContent(backend.name(), backend.active() ? "*" : "", backend.rank(),
                    count(backend.tesseras()), count(backend.fragments()), size(backend.fragmentBytes()),
                    count(backend.blobs()), size(backend.blobBytes()), size(backend.freeBytes()), backend.location());
        }
        table.print(System.out);
    }

    private void migrate(StorageBackends service) throws CommandException, IOException {
        if (from == null || to == null) {
            throw failure("name both backends: tesseras:storage migrate FROM TO (see tesseras:storage)");
        }
        PrintStream out = System.out;
        out.println("Migrating " + from + " -> " + to + "; the node keeps serving meanwhile");
        MigrationReport report = service.migrate(from, to, new ProgressPrinter(out));
        out.printf("%s -> %s in %.1f s: %d manifests; %d fragments copied and verified, %d were there already;"
                + " %d blobs copied and verified, %d were there already; %s copied%n", report.from(), report.to(),
                report.took().toMillis() / 1000.0, report.manifests(), report.fragmentsCopied(),
                report.fragmentsAlreadyThere(), report.blobsCopied(), report.blobsAlreadyThere(),
                Sizes.bytes(report.bytesCopied()));
        out.println(report.switched() ? report.to() + " is the active backend; " + report.removedFromSource()
                + " items removed from " + report.from() + " after they verified at " + report.to()
                : report.from() + " is still the active backend");
        if (!report.kept().isEmpty()) {
            out.println("Not moved (" + report.kept().size() + "):");
            report.kept().forEach(item -> out.println("  " + item));
        }
    }

    private static String count(long value) {
        return value < 0 ? "?" : Long.toString(value);
    }

    private static String size(long bytes) {
        return bytes < 0 ? "?" : Sizes.bytes(bytes);
    }
}
