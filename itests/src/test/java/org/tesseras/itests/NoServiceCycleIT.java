package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * The transport, the DHT and replication meet only through services and none waits for another in a cycle:
 * stopped and started again in every order, the node puts a tessera on its peer and gets it back from there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NoServiceCycleIT {
    private static final List<String> BUNDLES = List.of("org.tesseras.transport.netty", "org.tesseras.dht",
            "org.tesseras.replication");

    @Inject
    BundleContext bundleContext;

    @Configuration
    public Option[] config() {
        // a fixed transport port, so the peer finds this node at the same address after its transport restarts
        return NodeContainer.options(editConfigurationFilePut("etc/org.tesseras.transport.cfg", "listenPort",
                NodeContainer.freePort()));
    }

    @Test
    public void restartedInEveryOrderTheNodePutsOnItsPeerAndGetsBackFromIt() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                errors.add(event.getBundle().getSymbolicName() + ": " + event.getThrowable());
            }
        };
        // counted from the start: such errors here (in CI) and in a loaded benchmark came from the DHT failing to
        // start because it waited over SCR's default 5 s for the lock of the transport it needs, which left it down
        // for good in the benchmark; the distribution now lets SCR wait 60 s (etc/custom.properties)
        bundleContext.addFrameworkListener(listener);
        try (TwoNodes nodes = TwoNodes.start(bundleContext)) {
            TwoNodes.Put first = nodes.put(200_000, 1);
            long seed = 2;
            for (List<String> order : TwoNodes.permutations(BUNDLES)) {
                List<Bundle> bundles = new ArrayList<>();
                for (String name : order) {
                    bundles.add(NodeContainer.bundleOf(bundleContext, name));
                }
                for (Bundle bundle : bundles) {
                    bundle.stop();
                }
                for (Bundle bundle : bundles) {
                    bundle.start();
                }
                nodes.awaitJoined();
                nodes.getFromThePeer(first);
                nodes.getFromThePeer(nodes.put(200_000, seed++));
                first = nodes.put(300_000, seed++);
            }
            assertEquals("framework errors: " + errors + "\n" + NodeContainer.logProblems(), 0, errors.size());
        } finally {
            bundleContext.removeFrameworkListener(listener);
        }
    }
}
