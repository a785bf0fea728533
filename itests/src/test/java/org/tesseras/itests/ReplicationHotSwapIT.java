package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.osgi.util.tracker.ServiceTracker;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;

/**
 * The replication and DHT bundles reference each other's services (replication looks peers up through the
 * DHT; the DHT hands incoming fragments to replication). Either one is updated in place while the node
 * runs: the framework reports no error and the new replication service reaches the DHT.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReplicationHotSwapIT {
    private static final ContentHash UNKNOWN = ContentHash.of("ab".repeat(32));

    @Inject
    BundleContext bundleContext;


    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void updatingReplicationOrTheDhtInPlaceLeavesThemWiredToEachOther() throws Exception {
        ServiceTracker<ReplicationService, ReplicationService> services = new ServiceTracker<>(bundleContext,
                ReplicationService.class, null);
        services.open();
        List<FrameworkEvent> errors = new CopyOnWriteArrayList<>();
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                errors.add(event);
            }
        };
        bundleContext.addFrameworkListener(listener);
        try {
            ReplicationService first = services.waitForService(TimeUnit.SECONDS.toMillis(60));
            assertNotNull(first);
            assertLooksUpThroughTheDht(first);

            ReplicationService second = update(services, first, "org.tesseras.replication");
            assertNotSame("a new replication service from the new revision", first, second);
            assertLooksUpThroughTheDht(second);

            updateBundles("org.tesseras.dht");
            assertLooksUpThroughTheDht(services.waitForService(TimeUnit.SECONDS.toMillis(60)));

            // several at once, as an operator's bundle:update followed by a wider refresh restarts them together
            ReplicationService fourth = update(services, services.getService(), "org.tesseras.replication",
                    "org.tesseras.dht", "org.tesseras.transport.netty", "org.tesseras.erasure.rs");
            assertLooksUpThroughTheDht(fourth);
            assertEquals("framework errors during the updates: " + describe(errors), 0, errors.size());
        } finally {
            bundleContext.removeFrameworkListener(listener);
            services.close();
        }
    }

    /** A lookup of an unknown tessera goes to the DHT and says nothing was found on the network. */
    private static void assertLooksUpThroughTheDht(ReplicationService replication) throws Exception {
        Path target = Files.createTempDirectory("hot-swap").resolve("unknown.bin");
        long deadline = System.currentTimeMillis() + 60_000;
        String message = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                replication.retrieve(UNKNOWN, target, ProgressListener.NONE);
                fail("an unknown tessera was retrieved");
            } catch (IOException | IllegalStateException e) {
                message = String.valueOf(e.getMessage());
                if (message.contains("no pointer to it was found on the network")) {
                    assertTrue(Files.notExists(target));
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replication did not reach the DHT within 60 s; last error: " + message);
    }

    private ReplicationService update(ServiceTracker<ReplicationService, ReplicationService> services,
            ReplicationService old, String... symbolicNames) throws Exception {
        int trackingCount = services.getTrackingCount();
        updateBundles(symbolicNames);
        return awaitNew(services, trackingCount, old, "updating " + List.of(symbolicNames));
    }

    private static ReplicationService awaitNew(ServiceTracker<ReplicationService, ReplicationService> services,
            int trackingCount, ReplicationService old, String after) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            ReplicationService current = services.getService();
            if (current != null && current != old && services.getTrackingCount() > trackingCount) {
                return current;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no new replication service within 60 s of " + after);
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
