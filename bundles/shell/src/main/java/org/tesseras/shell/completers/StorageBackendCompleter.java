package org.tesseras.shell.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.tesseras.api.model.BackendStatus;
import org.tesseras.api.port.StorageBackends;

/** Completes the names of the storage backends present. */
@Service
public class StorageBackendCompleter implements Completer {

    @Reference(optional = true)
    StorageBackends backends;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        if (backends == null) {
            return -1;
        }
        for (BackendStatus backend : backends.backends()) {
            names.getStrings().add(backend.name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
