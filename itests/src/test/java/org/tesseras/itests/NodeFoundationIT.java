package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

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
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

/** The distribution boots a node: crypto services registered, identity on disk, {@code tesseras:node} answers. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeFoundationIT {

    @Inject
    BundleContext bundleContext;

    @Inject
    Hasher hasher;

    @Inject
    NodeIdentity identity;

    @Inject
    IdentityVerifier verifier;

    @Inject
    SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void cryptoServicesAreRegistered() {
        assertNotNull(bundleContext.getServiceReference(Hasher.class));
        assertNotNull(bundleContext.getServiceReference(NodeIdentity.class));
        assertNotNull(bundleContext.getServiceReference(IdentityVerifier.class));
        assertEquals("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f",
                hasher.hash("hello".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    /**
     * The distribution starts the JVM with jdk.incubator.vector and the framework exports it: the crypto bundle
     * wires its optional import and hashes whole chunks side by side, with the official answer for 100 KiB.
     */
    @Test
    public void blake3RunsThroughTheVectorApi() throws Exception {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        Bundle crypto = NodeContainer.bundleOf(bundleContext, "org.tesseras.crypto");
        assertTrue("org.tesseras.crypto imports jdk.incubator.vector",
                crypto.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                        .anyMatch(wire -> "jdk.incubator.vector".equals(
                                wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))));
        Method vector = crypto.loadClass("org.tesseras.crypto.internal.Blake3Implementation")
                .getDeclaredMethod("vector");
        vector.setAccessible(true);
        assertEquals(Boolean.TRUE, vector.invoke(null));
        byte[] input = new byte[102_400];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i % 251);
        }
        // BLAKE3-team/BLAKE3 test_vectors.json, input_len 102400
        assertEquals("bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085", hasher.hash(input).hex());
    }

    /**
     * Felix SCR reads its lock timeout as this framework property: with its default of 5 s a DHT that waited longer
     * for the lock of an activating transport (a loaded machine) failed to start and stayed down.
     */
    @Test
    public void declarativeServicesWaitAMinuteForAComponentsLock() {
        assertEquals("60000", bundleContext.getProperty("ds.lock.timeout.milliseconds"));
    }

    @Test
    public void identityIsPersistedUnderKarafDataWithItsProofOfWork() {
        assertTrue(identity.keyFile().toString(), Files.isRegularFile(identity.keyFile()));
        assertTrue(identity.keyFile().toAbsolutePath().toString().contains("tesseras"));
        assertTrue(identity.powBits() >= verifier.powDifficulty());
        assertTrue(verifier.verifyPow(identity.nodeId(), identity.publicKey(), identity.nonce()));
    }

    @Test
    public void nodeCommandPrintsTheIdentity() throws Exception {
        String output = NodeContainer.execute(sessionFactory, "tesseras:node");
        assertTrue(output, output.contains(identity.nodeId().hex()));
        assertTrue(output, output.contains(identity.keyFile().toAbsolutePath().getParent().toString()));
        assertTrue(output, output.contains("leading zero bits"));
    }
}
