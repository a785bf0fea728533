package org.tesseras.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.tesseras.api.model.IdentityImportResult;
import org.tesseras.api.port.IdentityTransfer;
import org.tesseras.shell.completers.IdentityActionCompleter;

/**
 * {@code tesseras:identity export|import}: this node's identity key as text an owner can write down, and back.
 * Whoever has the key is the owner of this node's tesseras: with it, a fresh node gets them back with
 * {@code tesseras:recover}.
 */
@Service
@Command(scope = "tesseras", name = "identity",
        description = "export: prints this node's identity key as text to write down (keep it secret); import: makes"
                + " such a text this node's identity (refused on a node holding data of another identity)")
public class IdentityCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    IdentityTransfer transfer;

    @Argument(index = 0, name = "action", description = "export or import", required = true)
    @Completion(IdentityActionCompleter.class)
    String action;

    @Argument(index = 1, name = "key", description = "import: the key as export printed it (groups of four"
            + " characters, the NodeId line may follow)", multiValued = true)
    List<String> key;

    @Option(name = "--file", description = "import: read the key text from this file instead")
    String file;

    @Override
    protected void doExecute() throws CommandException, IOException {
        IdentityTransfer service = require(transfer, IdentityTransfer.class);
        switch (action) {
            case "export" -> {
                System.out.println(service.exportText());
                System.out.println("# Write it down and keep it apart from this computer: with it, tesseras:identity"
                        + " import and tesseras:recover on a fresh node bring back every tessera this node owns.");
            }
            case "import" -> {
                String text = text();
                IdentityImportResult result;
                try {
                    result = service.importText(text);
                } catch (IllegalArgumentException badText) {
                    throw failure("the key was not imported: " + badText.getMessage());
                }
                if (!result.changed()) {
                    System.out.println("This node already has identity " + result.imported() + ": nothing changed");
                } else {
                    System.out.println("This node is now " + result.imported() + result.previous()
                            .map(p -> " (was " + p + ")").orElse(""));
                    result.keptOldKeyAs().ifPresent(p -> System.out.println("The replaced key file is kept as " + p));
                    System.out.println("Run tesseras:recover to take back the tesseras this identity owns");
                }
                result.notes().forEach(note -> System.out.println("  " + note));
            }
            default -> throw failure("'" + action + "' is not an action of tesseras:identity: give export or import");
        }
    }

    private String text() throws CommandException, IOException {
        // Karaf reads options only before the first argument: "import --file x" brings them as arguments
        if (file == null && key != null && key.size() == 2 && key.get(0).equals("--file")) {
            file = key.get(1);
        }
        if (file != null) {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                throw failure("no readable file at " + file);
            }
            return Files.readString(path);
        }
        if (key == null || key.isEmpty()) {
            throw failure("give the key to import (as tesseras:identity export printed it) or --file <path>");
        }
        return String.join(" ", key);
    }
}
