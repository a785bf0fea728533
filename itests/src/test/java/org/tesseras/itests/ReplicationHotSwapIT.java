package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
import org.osgi.framework.wiring.FrameworkWiring;
import org.tesseras.api.port.ReplicationService;

/**
 * The transport, DHT, replication and erasure-coding bundles are each updated in place while the node runs, then
 * all four at once: after every update the node gets back, from its peer, the bytes it put before, and puts a new
 * tessera there; the framework reports no error.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReplicationHotSwapIT {
    private static final int MEDIUM_BYTES = 5 << 20;

    @Inject
    BundleContext bundleContext;

    @Configuration
    public Option[] config() {
        // a fixed transport port, so the peer finds this node at the same address after an update
        return NodeContainer.options(editConfigurationFilePut("etc/org.tesseras.transport.cfg", "listenPort",
                NodeContainer.freePort()));
    }

    @Test
    public void afterEachInPlaceUpdateTheNodeGetsBackWhatItPutAndPutsAgain() throws Exception {
        List<FrameworkEvent> errors = new CopyOnWriteArrayList<>();
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                errors.add(event);
            }
        };
        bundleContext.addFrameworkListener(listener);
        try (TwoNodes nodes = TwoNodes.start(bundleContext)) {
            TwoNodes.Put before = nodes.put(MEDIUM_BYTES, 1);
            long seed = 2;
            List<String> updated = List.of("org.tesseras.transport.netty", "org.tesseras.dht",
                    "org.tesseras.replication", "org.tesseras.erasure.rs");
            for (String name : updated) {
                ReplicationService old = nodes.service(ReplicationService.class);
                updateBundles(name);
                if (name.equals("org.tesseras.replication")) {
                    assertNotSame("a new replication service from the new revision", old,
                            nodes.service(ReplicationService.class));
                }
                nodes.awaitJoined();
                nodes.getFromThePeer(before);
                before = nodes.put(MEDIUM_BYTES, seed++);
            }
            // all at once, as an operator's bundle:update followed by a wider refresh restarts them together
            updateBundles(updated.toArray(String[]::new));
            nodes.awaitJoined();
            nodes.getFromThePeer(before);
            nodes.getFromThePeer(nodes.put(MEDIUM_BYTES, seed));
            assertEquals("framework errors during the updates: " + describe(errors) + "\n" + NodeContainer.logProblems(),
                    0, errors.size());
        } finally {
            bundleContext.removeFrameworkListener(listener);
        }
    }

    /** Updates the bundles and refreshes them together with their dependents, as Karaf's {@code bundle:update} does. */
    private void updateBundles(String... symbolicNames) throws Exception {
        List<Bundle> bundles = new ArrayList<>();
        for (String name : symbolicNames) {
            Bundle bundle = NodeContainer.bundleOf(bundleContext, name);
            bundle.update();
            bundles.add(bundle);
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        bundleContext.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("packages refreshed after updating " + List.of(symbolicNames), refreshed.await(60, TimeUnit.SECONDS));
        for (Bundle bundle : bundles) {
            assertEquals(bundle.getSymbolicName() + " is active again", Bundle.ACTIVE, bundle.getState());
        }
    }

    private static String describe(List<FrameworkEvent> events) {
        StringBuilder text = new StringBuilder();
        for (FrameworkEvent event : events) {
            text.append('\n').append(event.getBundle().getSymbolicName()).append(": ").append(event.getThrowable());
        }
        return text.toString();
    }
}
