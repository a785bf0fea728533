package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

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
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;

/**
 * DESIGN.md §11, a real upgrade of a storage adapter in a running node: the peer (a node process of its own) puts
 * a tessera whose fragments all come to the node under test, and while they arrive storage-fs is updated to
 * another jar with a higher version (built here from the running bundle's own entries, its manifest saying
 * {@code <major>.<minor>.<micro+1>.upgrade}), then downgraded to a jar of the version it had. Nothing is lost: the
 * tessera held before and the one that was arriving are both held whole here (every fragment verified against its
 * checksum), the peer's health check proves them, and the bytes rebuilt here are the bytes put.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageUpgradeIT {
    private static final String STORAGE = "org.tesseras.storage.fs";

    @Inject
    BundleContext bundleContext;

    @Inject
    Hasher hasher;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void upgradingThenDowngradingStorageFsWhileFragmentsArriveLosesNothing() throws Exception {
        try (TwoNodes nodes = TwoNodes.start(bundleContext)) {
            Bundle storage = NodeContainer.bundleOf(bundleContext, STORAGE);
            Version original = storage.getVersion();
            Version higher = new Version(original.getMajor(), original.getMinor(), original.getMicro() + 1,
                    "upgrade");
            byte[] originalJar = jarOf(storage, original);
            byte[] upgradedJar = jarOf(storage, higher);

            byte[] held = randomBytes(6 << 20, 41);
            ContentHash heldHash = putOnPeer(nodes.peer, "held.bin", held).join();
            byte[] arriving = randomBytes(48 << 20, 42);
            ContentHash arrivingHash = hasher.hash(arriving);
            CompletableFuture<ContentHash> put = putOnPeer(nodes.peer, "arriving.bin", arriving);

            awaitFragments(nodes, put, arrivingHash, 1);
            int beforeUpgrade = nodes.service(FragmentStore.class).list(arrivingHash).size();
            storage.update(new ByteArrayInputStream(upgradedJar));
            assertEquals(higher, storage.getVersion());
            assertEquals(Bundle.ACTIVE, storage.getState());
            awaitFragments(nodes, put, arrivingHash, beforeUpgrade + 1);
            storage.update(new ByteArrayInputStream(originalJar));
            assertEquals(original, storage.getVersion());
            assertEquals(Bundle.ACTIVE, storage.getState());

            String putOutcome = outcome(put);
            // a push cut by the swap fails cleanly and is placed again: repair until the peer has placed them all
            String repaired = repairUntilHealthy(nodes.peer, arrivingHash);
            for (ContentHash hash : List.of(heldHash, arrivingHash)) {
                FragmentStore store = nodes.service(FragmentStore.class);
                List<StoredFragment> fragments = store.list(hash);
                assertEquals("every fragment of " + hash + " is held here after the upgrade and the downgrade ("
                        + putOutcome + "; " + repaired + ")", 24, fragments.size());
                for (StoredFragment fragment : fragments) {
                    assertEquals(hash + "/" + fragment.id().index(), FragmentCheck.GOOD,
                            store.verify(hash, fragment.id().index()));
                }
                String health = nodes.peer.command("tesseras:health " + hash.hex());
                assertTrue("the peer's holder proves " + hash + ": " + health, health.contains("healthy"));
            }
            assertArrayEquals(held, rebuiltHere(nodes, heldHash));
            assertArrayEquals(arriving, rebuiltHere(nodes, arrivingHash));
        }
    }

    /**
     * A jar of {@code bundle}'s entries, its manifest saying {@code version}: a bundle of its own for
     * {@link Bundle#update(InputStream)}.
     */
    private static byte[] jarOf(Bundle bundle, Version version) throws IOException {
        Manifest manifest;
        try (InputStream in = bundle.getEntry("META-INF/MANIFEST.MF").openStream()) {
            manifest = new Manifest(in);
        }
        manifest.getMainAttributes().put(new Attributes.Name(Constants.BUNDLE_VERSION), version.toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            for (URL entry : Collections.list(bundle.findEntries("/", "*", true))) {
                String name = entry.getPath().substring(1);
                if (name.equals("META-INF/") || name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    try (InputStream in = entry.openStream()) {
                        in.transferTo(jar);
                    }
                }
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code tesseras:put} on the peer, whose fragments can only go to the node under test. */
    private static CompletableFuture<ContentHash> putOnPeer(PeerProcess peer, String name, byte[] bytes)
            throws IOException {
        Path file = peer.home().resolve(name);
        Files.write(file, bytes);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ShellRun.tesseraHash(peer.command("tesseras:put " + file));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** What the put said: its hash line, or the failure it ended with (INCOMPLETE when the swap cut a push). */
    private static String outcome(CompletableFuture<ContentHash> put) throws Exception {
        try {
            return "put complete: " + put.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            return "put ended with: " + e.getCause().getMessage();
        }
    }

    /**
     * Waits until this node holds {@code atLeast} fragments of {@code hash}: from the put while it goes on, or, once
     * it has ended, from the peer's repair. A fast put can end inside the swap, every push it had left refused while
     * no store was registered, and then only a repair sends more.
     */
    private static void awaitFragments(TwoNodes nodes, CompletableFuture<ContentHash> put, ContentHash hash,
            int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long nextRepair = 0;
        while (nodes.service(FragmentStore.class).list(hash).size() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + atLeast + " fragments of " + hash + " arrived in 3 min"
                        + " (" + (put.isDone() ? outcome(put) : "put still under way") + ")");
            }
            if (put.isDone() && System.nanoTime() > nextRepair) {
                try {
                    nodes.peer.command("tesseras:repair " + hash.hex());
                } catch (IOException e) {
                    // the next round tries again
                }
                nextRepair = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
            Thread.sleep(20);
        }
    }

    /** Runs {@code tesseras:repair} on the peer until its health check of {@code hash} says healthy. */
    private static String repairUntilHealthy(PeerProcess peer, ContentHash hash) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = peer.command("tesseras:repair " + hash.hex());
                if (peer.command("tesseras:health " + hash.hex()).contains("healthy")) {
                    return last;
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(hash + " not healthy on the peer within 3 min: " + last + "\n" + peer.logTail());
    }

    /** The tessera rebuilt by this node from the fragments it holds, checked against its hash. */
    private static byte[] rebuiltHere(TwoNodes nodes, ContentHash hash) throws Exception {
        Path target = Files.createTempDirectory("upgrade").resolve(hash.hex());
        try {
            nodes.service(ReplicationService.class).retrieve(hash, target, ProgressListener.NONE);
            return Files.readAllBytes(target);
        } finally {
            Files.deleteIfExists(target);
        }
    }
}
