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
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.shell.completers.TesseraHashCompleter;

/** {@code tesseras:get <hash> <file>}: writes a tessera to a file, from here or from the network. */
@Service
@Command(scope = "tesseras", name = "get", description = "Writes a tessera to a file, from this node or the network")
public class GetCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    ReplicationService replication;

    @Reference
    Session session;

    @Argument(index = 0, name = "hash", description = "The tessera's BLAKE3 hash (64 hex characters)", required = true)
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Argument(index = 1, name = "file", description = "Where to write it (must not exist)", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    protected void doExecute() throws CommandException, IOException {
        ContentHash tessera = tesseraHash(hash);
        Path target = Path.of(file).toAbsolutePath();
        if (Files.exists(target)) {
            throw failure(target + " exists already: give the name of a file that does not exist (get never"
                    + " overwrites)");
        }
        ReplicationService service = require(replication, ReplicationService.class);
        long start = System.nanoTime();
        RetrievalReport report = service.retrieve(tessera, target, new ProgressPrinter(session.getConsole()));
        double seconds = (System.nanoTime() - start) / 1e9;
        String from = switch (report.source()) {
            case LOCAL_BLOB -> "this node's copy";
            case LOCAL_FRAGMENTS -> "fragments held here";
            case NETWORK -> report.fragmentsFetched() + " fragments from " + report.fromPeers().size() + " peers";
        };
        System.out.printf("Wrote %s (%s) from %s in %.2f s (%.1f MB/s); BLAKE3 checked%n", target,
                Sizes.bytes(report.sizeBytes()), from, seconds, report.sizeBytes() / 1e6 / seconds);
    }
}
