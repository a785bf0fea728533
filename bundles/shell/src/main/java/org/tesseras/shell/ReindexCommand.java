package org.tesseras.shell;

import java.io.IOException;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.port.ReplicationService;

/** {@code tesseras:reindex}: rebuilds the fragment index from the manifests and shard files on disk. */
@Service
@Command(scope = "tesseras", name = "reindex",
        description = "Rebuilds the fragment index from the disk (the files are the truth): indexes every shard its"
                + " manifest explains, quarantines the others, restores the holders of this node's own tesseras")
public class ReindexCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Override
    protected void doExecute() throws CommandException, IOException {
        ReplicationService service = require(replication, ReplicationService.class);
        long start = System.nanoTime();
        ReindexReport report = service.reindex();
        System.out.printf("Reindexed in %.2f s: %d tessera directories, %d manifests; %d fragments were indexed"
                + " already, %d indexed now, %d quarantined, %d marked lost%n", (System.nanoTime() - start) / 1e9,
                report.tesseraDirectories(), report.manifests(), report.alreadyIndexed(), report.indexed(),
                report.quarantined(), report.markedLost());
        report.notes().forEach(note -> System.out.println("  " + note));
        if (report.quarantined() > 0) {
            System.out.println("Quarantined files are kept, not deleted: see tesseras:status");
        }
        if (report.markedLost() > 0) {
            System.out.println("Lost fragments are restored by tesseras:repair");
        }
    }
}
