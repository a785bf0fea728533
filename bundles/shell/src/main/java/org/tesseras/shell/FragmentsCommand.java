package org.tesseras.shell;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.shell.completers.TesseraHashCompleter;

/** {@code tesseras:fragments [hash]}: the fragments held on this node. */
@Service
@Command(scope = "tesseras", name = "fragments",
        description = "Lists the fragments held on this node: tessera, index, data or parity, size and last check")
public class FragmentsCommand extends TesserasCommandSupport {

    @Argument(index = 0, name = "hash", required = false,
            description = "Tessera hash (64 lowercase hex characters); every tessera when omitted")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Reference(optional = true)
    FragmentStore store;

    @Override
    protected void doExecute() throws CommandException {
        FragmentStore fragments = require(store, FragmentStore.class);
        List<ContentHash> tesseras = hash == null ? fragments.listTesseras() : List.of(tesseraHash(hash));
        ShellTable table = table(text("Tessera"), number("Index"), text("Kind"), number("Size (bytes)"),
                text("Last verified"));
        long count = 0;
        long bytes = 0;
        for (ContentHash tessera : tesseras) {
            for (StoredFragment fragment : fragments.list(tessera)) {
                table.addRow().addContent(tessera.hex(), fragment.id().index(), fragment.parity() ? "parity" : "data",
                        fragment.sizeBytes(), fragment.lastVerified()
                                .map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("never"));
                count++;
                bytes += fragment.sizeBytes();
            }
        }
        long lost = fragments.lostFragments().stream().map(FragmentId::tesseraHash).filter(tesseras::contains).count();
        if (count == 0) {
            System.out.println(hash == null ? "No fragments held on this node" : "No fragments of " + hash + " held");
        } else {
            print(table);
            System.out.println(count + (count == 1 ? " fragment, " : " fragments, ") + bytes + " bytes");
        }
        if (lost > 0) {
            System.out.println(lost + " lost fragment(s) (file gone); run tesseras:repair to restore them");
        }
    }
}
