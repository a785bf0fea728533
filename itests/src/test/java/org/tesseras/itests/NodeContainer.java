package org.tesseras.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The Pax Exam options that boot our node distribution, and running shell commands in it. */
final class NodeContainer {
    private NodeContainer() {
    }

    /** System property (in the node) holding the port of the status page's HTTP server. */
    static final String HTTP_PORT = "tesseras.itest.httpPort";
    /** System property (in the node) holding the port of the Prometheus endpoint. */
    static final String METRICS_PORT = "tesseras.itest.metricsPort";
    /** System property (in the node) holding the itests module's target/ directory. */
    static final String TARGET = "tesseras.itest.target";

    /** Boots the tesseras-distro tar.gz with free ports and the local Maven repository, plus {@code extra}. */
    static Option[] options(Option... extra) {
        String httpPort = freePort();
        String metricsPort = freePort();
        MavenArtifactUrlReference distro = maven().groupId("org.tesseras").artifactId("tesseras-distro")
                .type("tar.gz").versionAsInProject();
        String localRepository = System.getProperty("tesseras.localRepository",
                System.getProperty("user.home") + "/.m2/repository");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(distro).name("Tesseras node")
                        .unpackDirectory(new File("target/exam")).useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                // what the distribution's bin/setenv gives the node's JVM (Pax Exam starts Java itself): BLAKE3 hashes
                // whole chunks side by side through the Vector API
                vmOption("--add-modules=jdk.incubator.vector"),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                // a test node's identity is minted at once (the shipped proof-of-work takes minutes)
                editConfigurationFilePut("etc/org.tesseras.identity.cfg", "powDifficulty", "8"),
                // the node's transport on loopback only, on a port of its own
                editConfigurationFilePut("etc/org.tesseras.transport.cfg", "listenHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.tesseras.transport.cfg", "advertisedHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.tesseras.transport.cfg", "listenPort", "0"),
                // the status page and the metrics endpoint on ports of their own (and on 127.0.0.1, as shipped)
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", httpPort),
                editConfigurationFilePut("etc/org.tesseras.metrics.cfg", "prometheusPort", metricsPort),
                systemProperty(HTTP_PORT).value(httpPort),
                systemProperty(METRICS_PORT).value(metricsPort),
                systemProperty(TARGET).value(new File("target").getAbsolutePath()),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                        "https://repo1.maven.org/maven2@id=central"),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        localRepository),
                // how long the probe waits in the node for Pax Exam's JUnit invoker (default 10 s, which a loaded
                // 2-core machine can miss while the node's features are still being installed); the wait for
                // @Inject services is pax.exam.service.timeout, set in the pom
                systemProperty("org.ops4j.pax.exam.raw.extender.intern.Parser.DEFAULT_TIMEOUT").value("120000")));
        String distribution = System.getProperty(PeerProcess.DISTRIBUTION);
        if (distribution != null) {
            options.add(systemProperty(PeerProcess.DISTRIBUTION).value(distribution));
        }
        if (Boolean.getBoolean("tesseras.keepRuntime")) {
            options.add(keepRuntimeFolder());
        }
        options.addAll(Arrays.asList(extra));
        return options.toArray(Option[]::new);
    }

    /** A free port on 127.0.0.1 that nothing else in this JVM was given ({@link LoopbackPorts}). */
    static String freePort() {
        return Integer.toString(LoopbackPorts.next());
    }

    /**
     * Runs one shell command and returns what it printed; a failing command throws. Karaf registers a
     * command only once all its services are there, and registers it again when an optional one comes or
     * goes, so a command not found is retried for up to 30 s before the failure is let through.
     */
    static String execute(SessionFactory sessionFactory, String command) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return executeOnce(sessionFactory, command);
            } catch (Exception e) {
                // gogo's CommandNotFoundException, which Karaf does not export
                if (!e.getClass().getSimpleName().equals("CommandNotFoundException")
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static String executeOnce(SessionFactory sessionFactory, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Session session = sessionFactory.create(System.in, out, out);
            try {
                Object result = session.execute(command);
                if (result != null) {
                    out.println(result);
                }
            } finally {
                session.close();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * This node's logged warnings and errors since it booted (the itests log at WARN), the last 40 and without the
     * boot's harmless OsgiLocator dispatch errors: what SCR said when a component failed, for a failure message.
     */
    static String logProblems() {
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if ((line.contains("| ERROR |") || line.contains("| WARN  |")) && !line.contains("OsgiLocator")
                        && !line.contains("FrameworkEvent ERROR")) {
                    lines.add(line);
                }
            }
            return "node log warnings and errors (" + log + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "node log " + log + " unreadable: " + e;
        }
    }

    /** The installed bundle with this symbolic name; fails the test if there is none. */
    static Bundle bundleOf(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
