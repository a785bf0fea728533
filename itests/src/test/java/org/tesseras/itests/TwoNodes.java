package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;

/**
 * The node under test and one {@link PeerProcess}: services looked up afresh (bundles come and go), a put that
 * places its tessera on the peer, and a get that can only be served by the peer.
 */
final class TwoNodes implements AutoCloseable {
    static final int SERVICE_SECONDS = 120;

    private final BundleContext context;
    final PeerProcess peer;
    private final Map<Class<?>, ServiceTracker<?, ?>> trackers = new ConcurrentHashMap<>();

    private TwoNodes(BundleContext context, PeerProcess peer) {
        this.context = context;
        this.peer = peer;
    }

    /**
     * Starts a peer, makes it the node's DHT seed (so a restarted DHT joins through it again on its own) and waits
     * until the node has joined through it.
     */
    static TwoNodes start(BundleContext context) throws Exception {
        TwoNodes nodes = new TwoNodes(context, PeerProcess.start("peer"));
        try {
            ConfigurationAdmin configs = nodes.service(ConfigurationAdmin.class);
            Configuration dht = configs.getConfiguration("org.tesseras.dht", null);
            Dictionary<String, Object> properties = dht.getProperties() == null ? new Hashtable<>()
                    : dht.getProperties();
            properties.put("seeds", new String[] {"127.0.0.1:" + nodes.peer.transportAddress().getPort()});
            dht.update(properties);
            nodes.awaitJoined();
            return nodes;
        } catch (Exception | AssertionError e) {
            nodes.close();
            throw e;
        }
    }

    /**
     * The current service of {@code type}, waiting up to two minutes for one. Its tracker stays open until
     * {@link #close}: some services (Configuration Admin) are invalid once ungot.
     */
    <T> T service(Class<T> type) throws InterruptedException {
        @SuppressWarnings("unchecked")
        ServiceTracker<T, T> tracker = (ServiceTracker<T, T>) trackers.computeIfAbsent(type, t -> {
            ServiceTracker<T, T> opened = new ServiceTracker<>(context, type, null);
            opened.open();
            return opened;
        });
        T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(SERVICE_SECONDS));
        if (service == null) {
            throw new AssertionError("no " + type.getSimpleName() + " within " + SERVICE_SECONDS + " s");
        }
        return service;
    }

    /** Waits until the node's routing table holds the peer (the DHT may just have been restarted). */
    void awaitJoined() throws InterruptedException {
        peer.awaitJoined(() -> {
            try {
                return service(DhtPort.class);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }, 180);
    }

    /** What {@link #put} put: the tessera, its bytes and what the put said. */
    record Put(ContentHash hash, byte[] bytes, PlacementReport report) {
    }

    /** Puts {@code size} random bytes from {@code seed}; the tessera is placed on the peer, the only one there is. */
    Put put(int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = Files.createTempFile("tessera-" + seed, ".bin");
        try {
            Files.write(file, bytes);
            PlacementReport report = retrying(() -> placedSomewhere(service(ReplicationService.class).replicate(file,
                    ProgressListener.NONE)), "put of " + size + " bytes");
            assertEquals("the peer holds fragments: " + report, 1, report.peersUsed());
            assertTrue(report.fragmentsPlaced() > 0);
            return new Put(report.plan().tesseraHash(), bytes, report);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** {@code report}, or an IOException (so the put is tried again) while the node knew no peer to place on. */
    private static PlacementReport placedSomewhere(PlacementReport report) throws IOException {
        if (report.peersUsed() == 0) {
            throw new IOException("placed on no peer: " + report.notes());
        }
        return report;
    }

    /**
     * Gets {@code put} back from the peer alone: this node's own copy and fragments are quarantined first, so the
     * bytes can only come over the network.
     */
    void getFromThePeer(Put put) throws Exception {
        ContentHash hash = put.hash();
        service(BlobStore.class).quarantine(hash, "test: the get must come from the peer");
        FragmentStore fragments = service(FragmentStore.class);
        for (StoredFragment fragment : fragments.list(hash)) {
            fragments.quarantine(hash, fragment.id().index(), "test: the get must come from the peer");
        }
        Path target = Files.createTempDirectory("get").resolve(hash.hex());
        RetrievalReport report = retrying(() -> service(ReplicationService.class).retrieve(hash, target,
                ProgressListener.NONE), "get of " + hash);
        assertEquals(RetrievalReport.Source.NETWORK, report.source());
        assertEquals(1, report.fromPeers().size());
        assertArrayEquals("the same bytes came back from the peer", put.bytes(), Files.readAllBytes(target));
        Files.delete(target);
    }

    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work}, again while it fails for at most a minute: after a bundle restart the services may still
     * be arriving (a transport not yet listening, a DHT still joining).
     */
    static <T> T retrying(Work<T> work, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return work.run();
            } catch (IOException | IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + " kept failing for 60 s: " + e, e);
                }
                Thread.sleep(500);
            }
        }
    }

    /** Stops the peer and the service trackers. */
    @Override
    public void close() {
        trackers.values().forEach(ServiceTracker::close);
        peer.close();
    }

    /** Every order of {@code items}. */
    static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }
}
