package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.tesseras.api.model.BackendStatus;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.StorageBackend;
import org.tesseras.api.port.StorageBackends;

/**
 * A node (its {@code deploy/} watched, as shipped) keeps tesseras in its files; the S3 backend's bundle is dropped into
 * {@code deploy/} (its configuration, pointing at a real S3 server beside the node, is in {@code etc/}), and
 * {@code tesseras:storage migrate fs s3} moves everything into the bucket while a get and a put run. Then both
 * backends' bundles are stopped and started again: s3 comes back as the active backend and every tessera comes
 * back identical from it, each fragment verifying.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageMigrationIT {
    private static final String S3_BUNDLE = "tesseras.itest.s3Bundle";

    @Inject
    BundleContext bundleContext;

    @Inject
    ReplicationService replication;

    @Inject
    StorageBackends backends;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    Hasher hasher;

    @Configuration
    public Option[] config() {
        String endpoint = S3ServerBesideTheNode.endpoint();
        String cfg = "etc/org.tesseras.storage.s3.cfg";
        // Pax Exam provisions its own bundles through a features file (useDeployFolder(false)), but the node's
        // deploy/ is watched as shipped: the test drops the S3 backend's bundle there
        return NodeContainer.options(
                systemProperty(S3_BUNDLE).value(System.getProperty(S3_BUNDLE)),
                editConfigurationFilePut(cfg, "endpoint", endpoint),
                editConfigurationFilePut(cfg, "bucket", "node-itest"),
                editConfigurationFilePut(cfg, "createBucket", "true"),
                editConfigurationFilePut(cfg, "accessKey", S3ServerBesideTheNode.ACCESS_KEY),
                editConfigurationFilePut(cfg, "secretKey", S3ServerBesideTheNode.SECRET_KEY),
                editConfigurationFilePut(cfg, "partSizeBytes", Integer.toString(5 << 20)));
    }

    @Test
    public void tesserasKeptInFilesMoveToAnS3BackendDroppedIntoDeployWhileTheNodeServes() throws Exception {
        List<Integer> seeds = new ArrayList<>(List.of(1, 2, 3));
        for (int seed : seeds) {
            keep(seed);
        }
        awaitBackends(1);
        assertEquals("fs", backends.backends().get(0).name());

        Path deployed = Path.of(System.getProperty("karaf.base"), "deploy", "tesseras-storage-s3.jar");
        Files.copy(Path.of(System.getProperty(S3_BUNDLE)), deployed, StandardCopyOption.REPLACE_EXISTING);
        awaitBackends(2);
        String listed = NodeContainer.execute(sessionFactory, "tesseras:storage");
        assertTrue(listed, listed.contains("s3") && listed.contains("node-itest"));

        // a get and a put all along the migration
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Integer> putDuring = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger gets = new AtomicInteger();
        Thread getter = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                int seed = seeds.get(i++ % seeds.size());
                try {
                    assertArrayEquals(bytes(seed), get(hash(seed)));
                    gets.incrementAndGet();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception | AssertionError e) {
                    failures.add("get " + seed + ": " + e);
                }
            }
        });
        Thread putter = new Thread(() -> {
            int seed = 100;
            while (running.get()) {
                try {
                    keep(seed);
                    putDuring.add(seed++);
                    // a put every 2 s or so: the S3 server keeps everything in the runner's memory
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failures.add("put " + seed + ": " + e);
                }
            }
        });
        getter.start();
        putter.start();
        String migrated;
        try {
            migrated = NodeContainer.execute(sessionFactory, "tesseras:storage migrate fs s3");
        } finally {
            running.set(false);
            getter.join(120_000);
            putter.join(120_000);
        }
        System.out.println(migrated);
        assertEquals(List.of(), failures);
        assertTrue(migrated, migrated.contains("s3 is the active backend"));
        assertTrue(migrated, !migrated.contains("Not moved"));
        seeds.addAll(putDuring);
        assertTrue("gets " + gets + ", puts " + putDuring, gets.get() > 0 && !putDuring.isEmpty());

        BackendStatus active = backends.backends().get(0);
        assertEquals("s3", active.name());
        assertEquals(0, backends.backends().get(1).fragments());
        assertEquals(0, backends.backends().get(1).blobs());

        // both backends stopped and started again: s3 is active from its kept rank and holds everything
        for (String name : List.of("org.tesseras.storage.s3", "org.tesseras.storage.fs")) {
            Bundle bundle = NodeContainer.bundleOf(bundleContext, name);
            bundle.stop();
            bundle.start();
        }
        awaitBackends(2);
        assertEquals("s3", backends.backends().get(0).name());
        FragmentStore store = activeStore();
        for (int seed : seeds) {
            ContentHash hash = hash(seed);
            assertEquals("tessera " + seed, 24, store.list(hash).size());
            for (int index = 0; index < 24; index++) {
                assertEquals(FragmentCheck.GOOD, store.verify(hash, index));
            }
            assertArrayEquals(bytes(seed), get(hash));
        }
    }

    private FragmentStore activeStore() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var reference = bundleContext.getServiceReference(FragmentStore.class);
            if (reference != null && "s3".equals(reference.getProperty(StorageBackend.NAME_PROPERTY))) {
                return bundleContext.getService(reference);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the s3 fragment store is not the node's within 60 s");
    }

    private void awaitBackends(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(120);
        while (backends.backends().size() < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("fewer than " + count + " storage backends within 120 s: "
                        + backends.backends());
            }
            Thread.sleep(200);
        }
    }

    private static byte[] bytes(int seed) {
        byte[] bytes = new byte[5 << 20];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private ContentHash hash(int seed) {
        return hasher.hash(bytes(seed));
    }

    private byte[] get(ContentHash hash) throws IOException {
        Path target = Files.createTempDirectory("migration-get").resolve(hash.hex());
        try {
            replication.retrieve(hash, target, ProgressListener.NONE);
            return Files.readAllBytes(target);
        } finally {
            Files.deleteIfExists(target);
        }
    }

    /** Puts 5 MiB from {@code seed} on this lone node, which keeps the tessera and its full local set. */
    private void keep(int seed) throws IOException {
        Path file = Files.createTempFile("migration", ".bin");
        Files.write(file, bytes(seed));
        try {
            replication.replicate(file, ProgressListener.NONE);
        } catch (IOException noPeers) {
            // placing waits for peers
        } finally {
            Files.delete(file);
        }
    }
}
