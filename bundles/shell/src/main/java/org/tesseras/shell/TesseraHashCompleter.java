package org.tesseras.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.FragmentStore;

/** Completes tessera hashes with the tesseras the fragment store knows. */
@Service
public class TesseraHashCompleter implements Completer {

    @Reference
    FragmentStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter hashes = new StringsCompleter();
        for (ContentHash tessera : store.listTesseras()) {
            hashes.getStrings().add(tessera.hex());
        }
        return hashes.complete(session, commandLine, candidates);
    }
}
