package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
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
import org.osgi.util.tracker.ServiceTracker;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;

/**
 * The storage-fs bundle is updated in place while the node runs: its service comes back with every
 * fragment, and replication, which holds the store, uses the new one without being restarted: a tessera is
 * rebuilt from its fragments there and a new one is kept there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageHotSwapIT {

    @Inject
    BundleContext bundleContext;

    @Inject
    ReplicationService replication;

    @Inject
    Hasher hasher;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void updatingTheStorageBundleKeepsEveryFragmentAndRewiresItsClients() throws Exception {
        ServiceTracker<FragmentStore, FragmentStore> stores = new ServiceTracker<>(bundleContext, FragmentStore.class, null);
        stores.open();
        try {
            FragmentStore before = stores.waitForService(TimeUnit.SECONDS.toMillis(60));
            assertNotNull(before);
            ContentHash hash = keep(5);
            assertEquals(24, before.list(hash).size());
            Object replicationServiceId = bundleContext.getServiceReference(ReplicationService.class)
                    .getProperty("service.id");
            int trackingCount = stores.getTrackingCount();

            Bundle storage = NodeContainer.bundleOf(bundleContext, "org.tesseras.storage.fs");
            long revisionBefore = storage.getLastModified();
            storage.update();
            assertEquals(Bundle.ACTIVE, storage.getState());
            assertTrue("a new revision was installed", storage.getLastModified() >= revisionBefore);

            FragmentStore after = awaitNewStore(stores, trackingCount, before);
            assertNotSame("the store service is a new instance from the new revision", before, after);
            assertEquals(24, after.list(hash).size());
            for (StoredFragment fragment : after.list(hash)) {
                assertEquals(FragmentCheck.GOOD, after.verify(hash, fragment.id().index()));
            }
            assertEquals("replication was not restarted", replicationServiceId,
                    bundleContext.getServiceReference(ReplicationService.class).getProperty("service.id"));
            assertEquals("replication reads through the new store", 24,
                    replication.status(hash).orElseThrow().localFragments());

            // and works with it: the tessera comes back from the new store's fragments, a new one is kept there
            BlobStore blobs = bundleContext.getService(bundleContext.getServiceReference(BlobStore.class));
            blobs.quarantine(hash, "test: the get must rebuild from fragments");
            Path target = Files.createTempDirectory("hot-swap").resolve(hash.hex());
            RetrievalReport report = replication.retrieve(hash, target, ProgressListener.NONE);
            assertEquals(RetrievalReport.Source.LOCAL_FRAGMENTS, report.source());
            assertArrayEquals(bytes(5), Files.readAllBytes(target));
            ContentHash next = keep(6);
            assertEquals(24, after.list(next).size());
            assertEquals(24, replication.status(next).orElseThrow().localFragments());
        } finally {
            stores.close();
        }
    }

    private static byte[] bytes(int seed) {
        byte[] bytes = new byte[5 << 20];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Puts 5 MiB from {@code seed} on this lone node, which keeps the tessera and its full local set. */
    private ContentHash keep(int seed) throws IOException {
        Path file = Files.createTempFile("hot-swap", ".bin");
        Files.write(file, bytes(seed));
        ContentHash hash = hasher.hash(bytes(seed));
        try {
            PlacementReport placed = replication.replicate(file, ProgressListener.NONE);
            assertEquals("placing waits for peers", 0, placed.fragmentsPlaced());
            assertEquals(hash, placed.plan().tesseraHash());
        } finally {
            Files.delete(file);
        }
        return hash;
    }

    private FragmentStore awaitNewStore(ServiceTracker<FragmentStore, FragmentStore> stores, int trackingCount,
            FragmentStore old) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            FragmentStore current = stores.getService();
            if (current != null && current != old && stores.getTrackingCount() > trackingCount) {
                return current;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no new FragmentStore within 60 s of the update");
    }
}
