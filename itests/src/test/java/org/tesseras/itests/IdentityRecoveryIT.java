package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.DhtPort;

/**
 * DESIGN.md §9, the owner's computer lost for good, in the distribution: the node under test (the owner) puts a
 * tessera on its peer and its operator writes the identity key down with {@code tesseras:identity export}; the
 * peer, which holds data of its own identity, refuses that key; the owner goes away; a fresh node (a process of its
 * own) takes the written key with {@code tesseras:identity import}, joins through the peer, and
 * {@code tesseras:recover} lists the tessera, which {@code tesseras:get} then returns byte for byte.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IdentityRecoveryIT {
    private static final String[] OWNER_BUNDLES = {"org.tesseras.replication", "org.tesseras.dht",
        "org.tesseras.transport.netty"};

    @Inject
    BundleContext bundleContext;

    @Inject
    SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void theKeyWrittenDownAndImportedOnAFreshNodeRecoversTheOwnersTessera() throws Exception {
        try (TwoNodes nodes = TwoNodes.start(bundleContext)) {
            TwoNodes.Put put = nodes.put(1 << 20, 31);
            NodeId owner = nodes.service(DhtPort.class).localNode().id();
            String exported = ShellRun.succeeds(sessionFactory, "tesseras:identity export");
            String key = Arrays.stream(exported.split("\n")).filter(line -> !line.startsWith("#"))
                    .collect(Collectors.joining("\n"));
            assertTrue("the NodeId is written with the key: " + exported, key.contains(owner.hex()));

            String refused = failingCommand(nodes.peer, "tesseras:identity import --file "
                    + keyFile(nodes.peer.home(), key));
            assertTrue("the peer holds data of its own identity: " + refused, refused.contains("refused")
                    && refused.contains("already holds data"));

            for (String name : OWNER_BUNDLES) {
                bundle(name).stop();
            }
            try (PeerProcess fresh = PeerProcess.start("fresh-owner")) {
                String imported = retryingCommand(fresh, "tesseras:identity import --file "
                        + keyFile(fresh.home(), key));
                assertTrue(imported, imported.contains("This node is now " + owner));
                assertTrue(imported, imported.contains("tesseras:recover"));

                // the transport and the DHT restart with the imported identity: join once they are back
                String seed = "127.0.0.1:" + nodes.peer.transportAddress().getPort();
                String joined = retryingCommand(fresh, "tesseras:bootstrap " + seed);
                assertTrue(joined, joined.contains("Joined through " + seed));
                String node = fresh.command("tesseras:node");
                assertTrue("the fresh node runs as the owner: " + node, node.contains(owner.hex()));

                String recovered = fresh.command("tesseras:recover");
                String row = ShellRun.row(recovered, put.hash().hex());
                assertFalse(recovered, row.contains("NOT RECOVERED"));
                assertTrue(recovered, recovered.contains("Recovered 1 of 1 tessera(s) catalogued by " + owner));

                Path target = fresh.home().resolve("recovered.bin");
                fresh.command("tesseras:get " + put.hash().hex() + " " + target);
                assertArrayEquals("the same bytes on the fresh node", put.bytes(), Files.readAllBytes(target));
                String status = fresh.command("tesseras:status " + put.hash().hex());
                assertTrue(status, status.contains(owner.hex()));
            } finally {
                for (int i = OWNER_BUNDLES.length - 1; i >= 0; i--) {
                    bundle(OWNER_BUNDLES[i]).start();
                }
            }
        }
    }

    /** Writes the key text where the node can read it, as an operator would copy it onto the machine. */
    private static String keyFile(Path home, String key) throws IOException {
        Path file = home.resolve("owner-key.txt");
        Files.writeString(file, key + "\n");
        return file.toString();
    }

    /** The output of {@code command}, which must fail on {@code peer}. */
    private static String failingCommand(PeerProcess peer, String command) {
        try {
            String output = peer.command(command);
            fail(command + " should have failed on " + peer + "; it printed:\n" + output);
            return output;
        } catch (IOException expected) {
            return expected.getMessage();
        }
    }

    /**
     * Runs {@code command} on {@code peer}, again while it fails for up to two minutes: right after an identity
     * import the services that use the identity are restarting.
     */
    private static String retryingCommand(PeerProcess peer, String command) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                return peer.command(command);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(command + " kept failing for 120 s: " + e.getMessage() + "\n"
                            + peer.logTail(), e);
                }
                Thread.sleep(1000);
            }
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> b.getSymbolicName().equals(symbolicName))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }
}
