package org.tesseras.itests;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.tesseras.api.port.DhtPort;

/**
 * A second node for the node under test: the same distribution unpacked and run as a process of its own on
 * 127.0.0.1, with ports of its own, which the node in the container reaches over its transport. The test that
 * starts it stops it by its handle ({@link #close}); a JVM shutdown hook is the last resort.
 */
final class PeerProcess implements AutoCloseable {
    /** System property (in the node) holding the distribution's tar.gz. */
    static final String DISTRIBUTION = "tesseras.itest.distribution";
    private static final long STOP_WAIT_SECONDS = 30;
    /** The administrator the test adds with bin/tesseras-user to run shell commands through bin/client. */
    private static final String ADMIN = "itest";
    private static final String ADMIN_PASSWORD = "itest-password";

    private final String name;
    private final Path home;
    private final int transportPort;
    private final int sshPort;
    private final Process process;
    private final Thread killer;

    private PeerProcess(String name, Path home, int transportPort, int sshPort, Process process) {
        this.name = name;
        this.home = home;
        this.transportPort = transportPort;
        this.sshPort = sshPort;
        this.process = process;
        this.killer = new Thread(this::kill, "kill " + name);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Unpacks a fresh node called {@code name} under the itests' target directory and starts it. */
    static PeerProcess start(String name) throws IOException {
        Path distribution = Paths.get(required(DISTRIBUTION));
        Path home = Paths.get(required(NodeContainer.TARGET), "peers", name + "-" + System.nanoTime());
        Files.createDirectories(home);
        run(home, "tar", "xzf", distribution.toString(), "-C", home.toString(), "--strip-components=1");
        int transportPort = Integer.parseInt(NodeContainer.freePort());
        int sshPort = Integer.parseInt(NodeContainer.freePort());
        Map<String, Map<String, String>> config = new LinkedHashMap<>();
        config.put("org.apache.karaf.shell", Map.of("sshPort", Integer.toString(sshPort), "sshHost", "127.0.0.1"));
        config.put("org.apache.karaf.management", Map.of("rmiRegistryPort", NodeContainer.freePort(),
                "rmiRegistryHost", "127.0.0.1", "rmiServerPort", NodeContainer.freePort(), "rmiServerHost",
                "127.0.0.1"));
        config.put("org.ops4j.pax.web", Map.of("org.osgi.service.http.port", NodeContainer.freePort()));
        config.put("org.tesseras.metrics", Map.of("prometheusPort", NodeContainer.freePort()));
        config.put("org.tesseras.transport", Map.of("listenHost", "127.0.0.1", "advertisedHost", "127.0.0.1",
                "listenPort", Integer.toString(transportPort),
                "maxInboundConnectionsPerAddress", "128"));
        // both nodes share 127.0.0.1/24; a test identity is minted at once
        config.put("org.tesseras.replication", Map.of("maxPeersPerSubnet", "100",
                "acceptDeficitPerSubnetUpToBytes", "1099511627776", "maxStoragePerSubnetBytes", "1099511627776"));
        config.put("org.tesseras.dht", Map.of("maxNodesPerSubnetPerBucket", "20", "maxNodesPerSubnet", "1000"));
        config.put("org.tesseras.identity", Map.of("powDifficulty", "8"));
        for (Map.Entry<String, Map<String, String>> pid : config.entrySet()) {
            Path file = home.resolve("etc").resolve(pid.getKey() + ".cfg");
            for (Map.Entry<String, String> property : pid.getValue().entrySet()) {
                setProperty(file, property.getKey(), property.getValue());
            }
        }
        run(home, Map.of("TESSERAS_PASSWORD", ADMIN_PASSWORD), Path.of("/dev/null"),
                home.resolve("bin/tesseras-user").toString(), ADMIN);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("KARAF_") || key.equals("JAVA_OPTS")
                || key.equals("EXTRA_JAVA_OPTS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        // bin/karaf execs the JVM: the process held here is the node itself
        environment.put("KARAF_EXEC", "exec");
        environment.put("EXTRA_JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC");
        return new PeerProcess(name, home, transportPort, sshPort, builder.start());
    }

    /** The peer's home directory (files a command writes can be put under it). */
    Path home() {
        return home;
    }

    /**
     * Runs a shell command in the peer as an operator would, through bin/client over SSH on 127.0.0.1; returns
     * what it printed, and fails with that output when the command fails.
     */
    String command(String command) throws IOException {
        // batch mode with the command on stdin: "bin/client cmd" without a terminal prints only "Closed"
        Path script = Files.createTempFile(home, "command", ".txt");
        try {
            Files.writeString(script, command + "\n");
            return run(home, Map.of("JAVA_HOME", System.getProperty("java.home")), script,
                    home.resolve("bin/client").toString(), "-u", ADMIN, "-p", ADMIN_PASSWORD, "-h", "127.0.0.1",
                    "-a", Integer.toString(sshPort), "-r", "30", "-d", "2", "-b");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Where the peer's transport listens. */
    InetSocketAddress transportAddress() {
        return new InetSocketAddress("127.0.0.1", transportPort);
    }

    /**
     * Waits until the node's DHT (as {@code dht} gives the current one: it may be replaced meanwhile) has joined
     * the network through this peer, which also proves the peer is up; fails with the end of the peer's log if it
     * is not within {@code seconds}.
     */
    void awaitJoined(Supplier<DhtPort> dht, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with status " + process.exitValue() + "\n" + logTail());
            }
            try {
                if (dht.get().bootstrap(transportAddress()).get(30, TimeUnit.SECONDS) > 0) {
                    return;
                }
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " was not joined within " + seconds + " s (" + last + ")\n" + logTail());
    }

    /** The last lines of the peer's log, for a failure message. */
    String logTail() {
        Path log = home.resolve("data/log/karaf.log");
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return name + " log (" + log + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40),
                    lines.size()));
        } catch (IOException e) {
            return name + " log unreadable: " + e;
        }
    }

    /** Stops the peer gracefully, or kills it when it has not stopped within 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set in the node");
        }
        return value;
    }

    /** Sets {@code key = value} in a Karaf .cfg file, replacing the key's line or adding one. */
    private static void setProperty(Path file, String key, String value) throws IOException {
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        Pattern line = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=.*$");
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (line.matcher(lines.get(i)).matches()) {
                lines.set(i, key + " = " + value);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        Files.write(file, lines);
    }

    private static String run(Path directory, String... command) throws IOException {
        return run(directory, Map.of(), Path.of("/dev/null"), command);
    }

    private static String run(Path directory, Map<String, String> environment, Path input, String... command)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(input.toFile()));
        builder.environment().putAll(environment);
        Process tool = builder.start();
        try {
            String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tool.waitFor(120, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tool.destroyForcibly();
            throw new IOException("interrupted running " + command[0], e);
        }
    }

    @Override
    public String toString() {
        return name + " at " + transportAddress();
    }
}
