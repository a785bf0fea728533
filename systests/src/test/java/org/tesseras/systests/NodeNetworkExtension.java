package org.tesseras.systests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test its directory {@code target/systest/<class>/<method>/} and the networks it starts there; after the
 * test it prints every node's log tail if the test failed, kills every node, and removes the directory if the test
 * passed (set {@code -Dtesseras.systest.keep=true} to keep it). Register it as a field:
 * {@code @RegisterExtension final NodeNetworkExtension nodes = new NodeNetworkExtension();}
 */
public final class NodeNetworkExtension implements BeforeEachCallback, AfterEachCallback {
    private static final int LOG_LINES_ON_FAILURE = 80;

    private final List<NodeNetwork> networks = new ArrayList<>();
    private Path directory;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Path base = Path.of(System.getProperty("tesseras.systest.directory", "target/systest"));
        directory = base.resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(context.getRequiredTestMethod().getName()).toAbsolutePath();
        // what an earlier run kept (or left running, if its JVM was killed) goes: each run starts afresh
        NodeJvms.killLeftovers(directory);
        NodeProcess.deleteRecursively(directory);
        Files.createDirectories(directory);
        SystemTestLog.info("---- " + context.getDisplayName() + " in " + directory);
    }

    /** This test's own directory (test files can go there too). */
    public Path directory() {
        return directory;
    }

    /** Starts a network of nodes in this test's directory; it is closed after the test, whatever happens. */
    public NodeNetwork start(NodeNetwork.Options options) throws IOException {
        Path networkDirectory = networks.isEmpty() ? directory.resolve("nodes")
                : directory.resolve("nodes-" + (networks.size() + 1));
        NodeNetwork network = new NodeNetwork(networkDirectory, options);
        networks.add(network);
        network.start();
        return network;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        boolean failed = context.getExecutionException().isPresent();
        try {
            for (NodeNetwork network : networks) {
                if (failed) {
                    System.err.println("==== " + context.getDisplayName() + " failed; the nodes of "
                            + network.directory() + ":");
                    System.err.print(network.diagnostics(LOG_LINES_ON_FAILURE));
                }
                network.close();
            }
        } finally {
            networks.clear();
        }
        if (failed || Boolean.getBoolean("tesseras.systest.keep")) {
            SystemTestLog.info("nodes and files kept in " + directory);
        } else {
            NodeProcess.deleteRecursively(directory);
        }
    }
}
