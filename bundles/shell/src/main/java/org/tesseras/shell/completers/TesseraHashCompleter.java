package org.tesseras.shell.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.FragmentStore;

/** Completes tessera hashes with the tesseras the fragment store knows; nothing while it is not running. */
@Service
public class TesseraHashCompleter implements Completer {

    @Reference(optional = true)
    FragmentStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter hashes = new StringsCompleter();
        FragmentStore current = store;
        if (current != null) {
            for (ContentHash tessera : current.listTesseras()) {
                hashes.getStrings().add(tessera.hex());
            }
        }
        return hashes.complete(session, commandLine, candidates);
    }
}
