package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.ReplicationService;

/**
 * The status page in the distribution: behind the Karaf login, on 127.0.0.1 only, and, in headless Chromium, showing
 * the tessera just put with its health (a screenshot is saved as target/status-page.png).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatusPageIT {
    static final String USER = "pageviewer";
    static final String PASSWORD = "page-pass-1";
    /** A user of the realm without the viewer role. */
    static final String STRANGER = "stranger";
    static final String CHROMIUM = "/usr/bin/chromium";

    @Inject
    ReplicationService replication;

    @Inject
    FragmentStore fragments;

    @Inject
    HolderRegistry holders;

    @Configuration
    public Option[] config() {
        return NodeContainer.options(
                editConfigurationFilePut("etc/users.properties", USER, PASSWORD + ",_g_:admingroup"),
                editConfigurationFilePut("etc/users.properties", STRANGER, "stranger-pass-1,somerole"));
    }

    static String pageUrl() {
        return "http://127.0.0.1:" + HttpProbe.port(NodeContainer.HTTP_PORT) + "/tesseras/";
    }

    @Test
    public void thePageRefusesARequestWithoutTheKarafLogin() throws Exception {
        HttpProbe.Response anonymous = waitForPage(null, null);
        assertEquals(401, anonymous.status());
        assertTrue(String.valueOf(anonymous.challenge()), anonymous.challenge().startsWith("Basic realm="));
        assertFalse(anonymous.body(), anonymous.body().contains("Tesseras node</h1>"));
        assertEquals(401, HttpProbe.get(pageUrl(), USER, "wrong-password").status());
        assertEquals("a user without the viewer role", 401, HttpProbe.get(pageUrl(), STRANGER, "stranger-pass-1")
                .status());

        HttpProbe.Response page = HttpProbe.get(pageUrl(), USER, PASSWORD);
        assertEquals(200, page.status());
        assertTrue(page.contentType(), page.contentType().startsWith("text/html"));
        for (String section : List.of("node", "health", "tesseras", "repair", "peers", "ledger")) {
            assertTrue(section, page.body().contains("<section id=\"" + section + "\">"));
        }
        assertTrue(page.body(), page.body().contains("Next round"));
    }

    @Test
    public void thePageListensOn127001Only() throws Exception {
        waitForPage(null, null);
        List<InetAddress> listening = HttpProbe.listeningAddresses(HttpProbe.port(NodeContainer.HTTP_PORT));
        assertFalse("something listens on the HTTP port", listening.isEmpty());
        for (InetAddress address : listening) {
            assertTrue("the status page listens on " + address, address.isLoopbackAddress());
        }
    }

    @Test
    public void chromiumShowsTheTesseraJustPutAndItsHealth() throws Exception {
        boolean ci = System.getenv("CI") != null;
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            // .ci/run installs Debian's chromium; on a developer's machine without it the test says so and skips
            if (ci) {
                throw new AssertionError(CHROMIUM + " is missing: .ci/run installs it (apt-get install chromium)");
            }
            Assume.assumeTrue("install Debian's chromium (apt-get install chromium) to run this test", false);
        }
        ContentHash hash = LoneNode.put(replication, fragments, 41);
        // its holder is gone (nothing listens at its address), so the check finds it below the repair threshold
        holders.recordFragments(hash, LoneNode.goneHolder(hash), IntStream.range(0, 24).boxed().toList());
        RepairAction action = replication.checkHealth(hash).action();
        assertTrue(action.toString(), action instanceof RepairAction.NeedsReplication);
        waitForPage(USER, PASSWORD);

        String url = "http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + HttpProbe.port(NodeContainer.HTTP_PORT)
                + "/tesseras/";
        String dom = chromium("--dump-dom", url);
        assertTrue(dom, dom.contains(hash.hex()));
        assertTrue(dom, dom.contains("needs replication: 24 missing"));
        assertTrue(dom, dom.contains("Tesseras at risk"));

        Path target = Path.of(System.getProperty(NodeContainer.TARGET));
        Path screenshot = target.resolve("status-page.png");
        Files.deleteIfExists(screenshot);
        chromium("--screenshot=" + screenshot, "--window-size=412,2400", url);
        assertTrue(screenshot + " written", Files.size(screenshot) > 10_000);
    }

    /** Runs headless Chromium on {@code arguments} with a fresh profile and returns what it printed. */
    private static String chromium(String... arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path output = Files.createTempFile("chromium", ".out");
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within 120 s: " + command);
            }
            assertEquals("chromium exit status for " + command, 0, process.exitValue());
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            Files.deleteIfExists(output);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** The page's answer once the HTTP server and the page are up (pax-web starts after the node's services). */
    private static HttpProbe.Response waitForPage(String user, String password) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                HttpProbe.Response response = HttpProbe.get(pageUrl(), user, password);
                if (response.status() != 404 && response.status() != 503) {
                    return response;
                }
            } catch (IOException notYet) {
                // the server is not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the status page did not come up within 60 s at " + pageUrl());
            }
            Thread.sleep(250);
        }
    }
}
