package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * DESIGN.md §9 in the distribution: the node under test puts a tessera, which goes to its peer (a second node
 * process); then the owner stops (its transport, DHT and replication bundles go down: the network no longer hears
 * it), and an operator on the peer gets the tessera by hash with {@code tesseras:get}: the same bytes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OwnerGoneIT {
    private static final String[] OWNER_BUNDLES = {"org.tesseras.replication", "org.tesseras.dht",
        "org.tesseras.transport.netty"};

    @Inject
    BundleContext bundleContext;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void putThenTheOwnerStopsThenAnotherNodeGetsTheSameBytes() throws Exception {
        try (TwoNodes nodes = TwoNodes.start(bundleContext)) {
            TwoNodes.Put put = nodes.put(1 << 20, 12);
            for (String name : OWNER_BUNDLES) {
                bundle(name).stop();
            }
            try {
                Path target = nodes.peer.home().resolve("got-" + put.hash().hex().substring(0, 8) + ".bin");
                String output = nodes.peer.command("tesseras:get " + put.hash().hex() + " " + target);
                assertTrue("the peer wrote the tessera: " + output, Files.exists(target));
                assertArrayEquals("the same bytes: " + output, put.bytes(), Files.readAllBytes(target));
            } finally {
                for (int i = OWNER_BUNDLES.length - 1; i >= 0; i--) {
                    bundle(OWNER_BUNDLES[i]).start();
                }
            }
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> b.getSymbolicName().equals(symbolicName))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }
}
