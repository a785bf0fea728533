package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RetrievalReport;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.PeerListener;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.TierPolicy;
import org.tesseras.api.port.Transport;

/** A whole node in the distribution: every port has its adapter, and the node serves a tessera end to end. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeServicesIT {

    @Inject
    BundleContext bundleContext;

    @Inject
    ReplicationService replication;

    @Inject
    FragmentStore fragments;

    @Inject
    Transport transport;

    @Inject
    SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void everyPortHasAnAdapter() throws InvalidSyntaxException {
        for (Class<?> port : new Class<?>[] {ErasureCoder.class, TierPolicy.class, FragmentStore.class, BlobStore.class,
            ReciprocityLedger.class, HolderRegistry.class, Transport.class, RequestHandler.class, PushHandler.class,
            FetchHandler.class, PeerListener.class, DhtPort.class, ReplicationService.class}) {
            assertNotNull(port.getSimpleName() + " is registered", bundleContext.getServiceReference(port));
        }
        Set<String> answered = new TreeSet<>();
        for (ServiceReference<RequestHandler> handler : bundleContext.getServiceReferences(RequestHandler.class,
                null)) {
            Object kinds = handler.getProperty(RequestHandler.KINDS);
            answered.addAll(kinds instanceof String[] many ? List.of(many) : List.of(String.valueOf(kinds)));
        }
        assertEquals(new TreeSet<>(List.of("AttestRequest", "FindCatalogue", "FindNode", "FindValue", "Ping", "Store",
                "StoreCatalogue")), answered);
        assertEquals("127.0.0.1", transport.localNode().address().getAddress().getHostAddress());
    }

    @Test
    public void aLoneNodeKeepsATesseraAndGivesItBack() throws Exception {
        Path file = Files.createTempFile("tessera", ".bin");
        byte[] bytes = new byte[5 << 20];
        new Random(11).nextBytes(bytes);
        Files.write(file, bytes);
        PlacementReport placed = replication.replicate(file, ProgressListener.NONE);
        assertEquals("a lone node places nothing", 0, placed.fragmentsPlaced());
        ContentHash hash = placed.plan().tesseraHash();
        assertEquals(List.of(hash), fragments.listTesseras());
        assertEquals(FragmentationTier.MEDIUM, fragments.plan(hash).orElseThrow().tier());
        assertEquals(24, fragments.list(hash).size());

        Path copy = file.resolveSibling(file.getFileName() + ".copy");
        RetrievalReport report = replication.retrieve(hash, copy, ProgressListener.NONE);
        assertEquals(RetrievalReport.Source.LOCAL_BLOB, report.source());
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(copy)));

        String status = NodeContainer.execute(sessionFactory, "tesseras:status");
        assertTrue(status, status.contains(hash.hex()));
        String verify = NodeContainer.execute(sessionFactory, "tesseras:verify " + hash.hex());
        assertTrue(verify, verify.contains("24"));
        Files.delete(copy);
        Files.delete(file);
    }
}
