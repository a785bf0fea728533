package org.tesseras.shell;

import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.VerifyReport;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.shell.completers.TesseraHashCompleter;

/** {@code tesseras:verify [hash]}: re-hashes held fragments against their checksums, and the whole tesseras kept. */
@Service
@Command(scope = "tesseras", name = "verify",
        description = "Re-hashes the fragments held on this node and counts the good, corrupt and missing ones")
public class VerifyCommand extends TesserasCommandSupport {
    private static final int NAMES_SHOWN = 10;

    @Argument(index = 0, name = "hash", required = false,
            description = "Tessera hash (64 lowercase hex characters); every tessera when omitted")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Reference(optional = true)
    ReplicationService replication;

    @Override
    protected void doExecute() throws CommandException {
        Optional<ContentHash> only = hash == null ? Optional.empty() : Optional.of(tesseraHash(hash));
        VerifyReport report = require(replication, ReplicationService.class).verify(only);
        System.out.println("Verified " + report.fragments() + " fragment(s) of " + report.tesseras() + " tessera(s): "
                + report.goodFragments() + " good, " + report.corruptFragments().size() + " corrupt, "
                + report.missingFragments().size() + " missing");
        System.out.println("Verified " + report.wholeTesseras() + " whole tessera(s) kept here: "
                + report.goodWholeTesseras() + " good, " + report.rottedTesseras().size() + " corrupt");
        report.notes().forEach(note -> System.out.println("  " + note));
        if (!report.rottedTesseras().isEmpty()) {
            System.out.println("FAILED: " + report.rottedTesseras().size() + " whole tessera(s) no longer hash to"
                    + " their name: " + names(report.rottedTesseras().stream().map(ContentHash::hex).toList())
                    + "; run tesseras:repair to rebuild them from their fragments");
        }
        if (!report.corruptFragments().isEmpty()) {
            System.out.println("FAILED: " + report.corruptFragments().size() + " corrupt fragment(s): "
                    + names(report.corruptFragments().stream().map(Object::toString).toList())
                    + "; run tesseras:repair to replace them");
        }
        if (!report.missingFragments().isEmpty()) {
            System.out.println(report.missingFragments().size() + " missing fragment(s): "
                    + names(report.missingFragments().stream().map(Object::toString).toList())
                    + "; run tesseras:repair to restore them");
        }
    }

    private static String names(List<String> names) {
        if (names.size() <= NAMES_SHOWN) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMES_SHOWN)) + " and " + (names.size() - NAMES_SHOWN) + " more";
    }
}
