package org.tesseras.systests;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.sshd.client.SshClient;

/**
 * One node of the distribution as an operating-system process of its own: a fresh unpacked copy of the
 * tesseras-distro tar.gz in {@link #home()}, configured for 127.0.0.1 with ports of its own and an administrator
 * with a known password, started headless with {@code bin/karaf server} (which execs the JVM, so {@link #pid()} is
 * the node's JVM itself), driven with shell commands over SSH, and killed, stopped or restarted by the test.
 */
public final class NodeProcess {
    /** The administrator the harness adds to every node. */
    public static final String ADMIN = "admin";
    /** How long a command may run unless the caller says otherwise. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    /** How long a node may take from its start to answering {@code tesseras:node} (slow on a loaded machine). */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
    /**
     * How long a command Karaf does not know yet, or whose service is not running yet, is retried (the commands are
     * registered once the shell bundle starts; each answers once the service it asks has started).
     */
    private static final Duration NOT_READY_RETRY = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    /** Between two polls of a node; each poll is an SSH login that Karaf logs, so not too often. */
    private static final long POLL_MILLIS = 1000;
    /** The line Karaf logs for each of the harness's SSH logins. */
    private static final Pattern HARNESS_LOGIN = Pattern.compile(
            "ServerSessionImpl .*Session " + ADMIN + "@\\S+ authenticated");

    /** Every node JVM this test JVM started and has not seen end: the shutdown hook's list. */
    private static final Set<NodeProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(NodeProcess::killAllRunning, "systest-node-reaper"));
    }

    /** The ports a node listens on, all on 127.0.0.1. */
    public record Ports(int ssh, int rmiRegistry, int rmiServer, int transport, int http, int metrics) {
    }

    /**
     * How to set a node up: its name, ports, DHT seeds (host:port), JVM options (heap), and further
     * configuration as PID → property → value, written to {@code etc/<pid>.cfg}.
     */
    public record Settings(String name, Ports ports, List<String> seeds, String jvmOptions,
            Map<String, Map<String, String>> configuration) {
        public Settings {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("a node name may hold letters, digits, '_' and '-': " + name);
            }
            seeds = List.copyOf(seeds);
            configuration = Map.copyOf(configuration);
        }
    }

    private final Settings settings;
    private final Path home;
    private final String password;
    private final NodeShell shell;
    private final NodeFiles files;
    private Process process;
    private ProcessHandle jvm;
    private String nodeId;
    private int starts;

    private NodeProcess(Settings settings, Path home, String password, NodeShell shell) {
        this.settings = settings;
        this.home = home;
        this.files = new NodeFiles(home);
        this.password = password;
        this.shell = shell;
    }

    /**
     * Unpacks a fresh copy of {@code distribution} into {@code home} (a leftover node of an earlier run there is
     * killed and removed first) and configures it; the node is not started.
     */
    public static NodeProcess unpack(Path distribution, Path home, Settings settings, SshClient ssh) throws IOException {
        if (!Files.isRegularFile(distribution)) {
            throw new IllegalArgumentException("no node distribution at " + distribution
                    + " (mvn install builds karaf-distro/target/tesseras-distro-*.tar.gz)");
        }
        NodeJvms.killLeftover(home);
        deleteRecursively(home);
        Files.createDirectories(home);
        runTool(home, List.of("tar", "xzf", distribution.toAbsolutePath().toString(), "-C", home.toString(),
                "--strip-components=1"), Map.of());
        String password = randomPassword();
        NodeProcess node = new NodeProcess(settings, home.toAbsolutePath(), password,
                new NodeShell(ssh, settings.name(), settings.ports().ssh(), ADMIN, password));
        node.configure();
        return node;
    }

    private void configure() throws IOException {
        Ports ports = settings.ports();
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        values.put("org.apache.karaf.shell", Map.of("sshPort", Integer.toString(ports.ssh()), "sshHost", "127.0.0.1"));
        values.put("org.apache.karaf.management", Map.of("rmiRegistryPort", Integer.toString(ports.rmiRegistry()),
                "rmiRegistryHost", "127.0.0.1", "rmiServerPort", Integer.toString(ports.rmiServer()),
                "rmiServerHost", "127.0.0.1"));
        // every node connects from 127.0.0.1: the per-address cap would count them all as one host
        values.put("org.tesseras.transport", Map.of("listenHost", "127.0.0.1", "advertisedHost", "127.0.0.1",
                "listenPort", Integer.toString(ports.transport()), "maxInboundConnectionsPerAddress", "128"));
        // the status page and the metrics endpoint on ports of their own, so several nodes on one host all serve them
        values.put("org.ops4j.pax.web", Map.of("org.osgi.service.http.port", Integer.toString(ports.http())));
        values.put("org.tesseras.metrics", Map.of("prometheusPort", Integer.toString(ports.metrics())));
        // every node shares 127.0.0.1/24: let all of them into the routing tables and hold fragments of one tessera,
        // with the allowance of one peer each; a test identity is minted at once (the shipped difficulty takes minutes)
        values.put("org.tesseras.dht", Map.of("seeds", String.join(",", settings.seeds()),
                "maxNodesPerSubnetPerBucket", "20", "maxNodesPerSubnet", "1000"));
        values.put("org.tesseras.replication", Map.of("maxPeersPerSubnet", "100",
                "acceptDeficitPerSubnetUpToBytes", "1099511627776", "maxStoragePerSubnetBytes", "1099511627776"));
        values.put("org.tesseras.identity", Map.of("powDifficulty", "8"));
        for (Map.Entry<String, Map<String, String>> pid : settings.configuration().entrySet()) {
            Map<String, String> merged = new LinkedHashMap<>(values.getOrDefault(pid.getKey(), Map.of()));
            merged.putAll(pid.getValue());
            values.put(pid.getKey(), merged);
        }
        for (Map.Entry<String, Map<String, String>> pid : values.entrySet()) {
            Path file = home.resolve("etc").resolve(pid.getKey() + ".cfg");
            for (Map.Entry<String, String> property : pid.getValue().entrySet()) {
                setProperty(file, property.getKey(), property.getValue());
            }
        }
        runTool(home, List.of(home.resolve("bin/tesseras-user").toString(), ADMIN), Map.of("TESSERAS_PASSWORD", password));
        Path passwordFile = home.resolve("admin-password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** Sets {@code key = value} in a Karaf .cfg file, replacing the key's line or adding one. */
    static void setProperty(Path file, String key, String value) throws IOException {
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

    // ---------------------------------------------------------------- life cycle

    /** Starts the node's JVM headless ({@code bin/karaf server}); returns once the JVM runs, not once it is ready. */
    public synchronized void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name() + " is running already (pid " + pid() + ")");
        }
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("KARAF_") || name.equals("JAVA_OPTS")
                || name.equals("EXTRA_JAVA_OPTS") || name.equals("JAVA_DEBUG_OPTS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        // bin/karaf then execs the JVM instead of waiting for it: the process we hold is the node itself
        environment.put("KARAF_EXEC", "exec");
        // Karaf's scripts hand EXTRA_JAVA_OPTS to the JVM (they ignore JAVA_MAX_MEM)
        environment.put("EXTRA_JAVA_OPTS", settings.jvmOptions());
        nodeId = null;
        process = builder.start();
        RUNNING.add(this);
        try {
            jvm = awaitJvm();
        } catch (IOException | RuntimeException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
        starts++;
        Files.writeString(home.resolve("jvm.pid"), Long.toString(jvm.pid()) + "\n");
        SystemTestLog.info(name() + " started, pid " + jvm.pid() + (starts > 1 ? " (start " + starts + ")" : ""));
    }

    /** The JVM: the process itself once bin/karaf has exec'd java (or, should it not exec, its Karaf child). */
    private ProcessHandle awaitJvm() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (NodeJvms.isKaraf(process.toHandle())) {
                return process.toHandle();
            }
            Optional<ProcessHandle> child = process.descendants().filter(NodeJvms::isKaraf).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            if (!process.isAlive()) {
                throw new IOException(name() + ": bin/karaf ended with status " + process.exitValue()
                        + " before its JVM ran\n" + diagnostics(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name() + ": no JVM under bin/karaf (pid " + process.pid() + ") after 30 s");
            }
            sleep(20);
        }
    }

    /**
     * Waits until the node answers {@code tesseras:node} with its NodeId and a running transport, that is until the
     * tesseras commands are registered (right after start Karaf answers "Command not found" for a while); returns
     * the NodeId. Fails at once if the JVM exits meanwhile.
     */
    public String awaitReady(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = "no answer";
        while (true) {
            if (!isAlive()) {
                throw new AssertionError(name() + " exited before it was ready\n" + diagnostics(60));
            }
            try {
                ShellResult result = shell.run("tesseras:node", Duration.ofSeconds(60));
                Optional<String> id = ShellOutput.nodeId(result.output());
                Optional<String> address = ShellOutput.transportAddress(result.output());
                if (result.succeeded() && id.isPresent() && address.equals(Optional.of(transportAddress()))) {
                    nodeId = id.get();
                    SystemTestLog.info(name() + " ready in " + SystemTestLog.since(start) + ": NodeId " + nodeId);
                    return nodeId;
                }
                last = result.text().strip();
            } catch (IOException | RuntimeException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name() + " was not ready within " + timeout + "; its last answer: " + last
                        + "\n" + diagnostics(60));
            }
            sleep(POLL_MILLIS);
        }
    }

    /** {@link #awaitReady(Duration)} with {@link #READY_TIMEOUT}. */
    public String awaitReady() {
        return awaitReady(READY_TIMEOUT);
    }

    /** Sends SIGKILL to the node's JVM and waits until it is gone. */
    public void kill9() {
        ProcessHandle target = jvm;
        if (target == null) {
            throw new IllegalStateException(name() + " was never started");
        }
        long pid = target.pid();
        target.destroyForcibly();
        process.destroyForcibly();
        if (!awaitExit(EXIT_TIMEOUT)) {
            throw new AssertionError(name() + ": pid " + pid + " still runs " + EXIT_TIMEOUT + " after SIGKILL");
        }
        RUNNING.remove(this);
        SystemTestLog.info(name() + " killed (kill -9 of pid " + pid + ")");
    }

    /**
     * Stops the node gracefully ({@code system:shutdown -f}), then, if it has not ended within a minute, with
     * SIGTERM and at last SIGKILL. Does nothing if the node is not running.
     */
    public void stop() {
        if (!isAlive()) {
            return;
        }
        long start = System.nanoTime();
        try {
            shell.run("system:shutdown -f", Duration.ofSeconds(30));
        } catch (IOException | RuntimeException e) {
            // the session may end with the node; the wait below tells whether it did
        }
        if (!awaitExit(EXIT_TIMEOUT)) {
            SystemTestLog.info(name() + " did not end within " + EXIT_TIMEOUT + " of system:shutdown; SIGTERM");
            terminate();
        }
        RUNNING.remove(this);
        SystemTestLog.info(name() + " stopped in " + SystemTestLog.since(start));
    }

    /**
     * Sends SIGTERM to the node's JVM, as systemd stops a service, and waits a minute for it to end (then SIGKILL);
     * returns whether it ended on SIGTERM alone. Unlike {@link #stop()} this needs no shell, so it works while the
     * node is still starting.
     */
    public boolean terminate() {
        if (!isAlive()) {
            return true;
        }
        long start = System.nanoTime();
        jvm.destroy();
        boolean ended = awaitExit(EXIT_TIMEOUT);
        if (!ended) {
            kill9();
        }
        RUNNING.remove(this);
        SystemTestLog.info(name() + (ended ? " ended on SIGTERM in " : " needed SIGKILL after ")
                + SystemTestLog.since(start));
        return ended;
    }

    /** Stops the node if it runs, starts it again on the same directory and waits until it is ready. */
    public String restart() throws IOException {
        stop();
        start();
        return awaitReady();
    }

    /**
     * How the node's latest JVM ended: 0 after a graceful stop, 137 after kill -9 (128 + SIGKILL); empty while it
     * runs or if it was never started.
     */
    public OptionalInt exitStatus() {
        if (process == null || process.isAlive() || jvm.pid() != process.pid()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(process.exitValue());
    }

    /** Whether the node's JVM is running. */
    public boolean isAlive() {
        if (jvm == null) {
            return false;
        }
        return jvm.pid() == process.pid() ? process.isAlive() : jvm.isAlive();
    }

    private boolean awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            jvm.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !jvm.isAlive();
        } catch (ExecutionException | TimeoutException e) {
            return !jvm.isAlive();
        }
    }

    /** Kills, without waiting, any node JVM this test JVM started and did not see end (the shutdown hook). */
    static void killAllRunning() {
        for (NodeProcess node : RUNNING) {
            ProcessHandle target = node.jvm;
            if (target != null) {
                target.destroyForcibly();
            }
            if (node.process != null) {
                node.process.destroyForcibly();
            }
        }
    }

    // ---------------------------------------------------------------- shell

    /**
     * Runs a shell command and returns what it printed (standard output, then standard error). A command Karaf
     * does not know yet is retried for a minute; a failing command fails the test with its output.
     */
    public String execute(String command, Duration timeout) {
        ShellResult result = run(command, timeout);
        if (!result.succeeded()) {
            throw new AssertionError("command failed on " + result);
        }
        return result.text();
    }

    /** {@link #execute(String, Duration)} with {@link #COMMAND_TIMEOUT}. */
    public String execute(String command) {
        return execute(command, COMMAND_TIMEOUT);
    }

    /**
     * Runs a shell command and returns how it ended, failed or not (a command Karaf does not know yet, or one whose
     * service is not running yet, is retried for a minute); throws only when the node cannot be reached or the command
     * outlasts {@code timeout}.
     */
    public ShellResult run(String command, Duration timeout) {
        long deadline = System.nanoTime() + NOT_READY_RETRY.toNanos();
        while (true) {
            ShellResult result;
            try {
                result = shell.run(command, timeout);
            } catch (IOException e) {
                throw new UncheckedIOException(name() + ": cannot run '" + command + "': " + e.getMessage(), e);
            }
            if (!(result.commandNotFound() || result.serviceNotRunning()) || System.nanoTime() > deadline) {
                return result;
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * Runs a shell command on a thread of its own, for a test that acts while the command runs (kills a node during
     * a put); the future completes with how the command ended ({@link ShellResult#CONNECTION_LOST} if the node died),
     * or exceptionally if the node could not be reached.
     */
    public CompletableFuture<ShellResult> runInBackground(String command, Duration timeout) {
        CompletableFuture<ShellResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(command, timeout));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, "systest-" + name() + "-command");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The NodeId this node reported when it was last ready. */
    public String nodeId() {
        if (nodeId == null) {
            throw new IllegalStateException(name() + " has not been ready yet");
        }
        return nodeId;
    }

    /** The NodeIds in this node's routing table ({@code tesseras:peers}). */
    public List<String> peerIds() {
        return ShellOutput.peerIds(execute("tesseras:peers"));
    }

    // ---------------------------------------------------------------- what it is and holds

    public String name() {
        return settings.name();
    }

    public Settings settings() {
        return settings;
    }

    /** The node's directory: the unpacked distribution. */
    public Path home() {
        return home;
    }

    /** The pid of the node's JVM (the latest one, after a restart). */
    public long pid() {
        if (jvm == null) {
            throw new IllegalStateException(name() + " was never started");
        }
        return jvm.pid();
    }

    /** How many times the node was started. */
    public int starts() {
        return starts;
    }

    /** The host:port its transport listens on and peers reach it at. */
    public String transportAddress() {
        return "127.0.0.1:" + settings.ports().transport();
    }

    /** The administrator's password (also in {@code home/admin-password}, for a look by hand). */
    public String password() {
        return password;
    }

    /** What this node keeps on disk, for tests that look at its files or damage them. */
    public NodeFiles files() {
        return files;
    }

    /** Karaf's log, {@code data/log/karaf.log}. */
    public Path logFile() {
        return home.resolve("data/log/karaf.log");
    }

    /** What the JVM printed on standard output and error (little: Karaf logs to {@link #logFile()}). */
    public Path consoleLog() {
        return home.resolve("console.log");
    }

    /**
     * Who the node is, whether it runs, the first ERROR lines of its log (the cause of a failure often lies far
     * above the tail), the last {@code lines} lines of its log (without the harness's own SSH logins) and of its
     * console, for failure messages.
     */
    public String diagnostics(int lines) {
        StringBuilder text = new StringBuilder();
        text.append("---- ").append(name()).append(" (").append(home).append("), ")
                .append(jvm == null ? "never started" : "pid " + jvm.pid() + (isAlive() ? ", running" : ", not running"
                        + (process.isAlive() ? "" : " (exit status " + process.exitValue() + ")")))
                .append(nodeId == null ? "" : ", NodeId " + nodeId).append('\n');
        List<String> log = lastLines(logFile(), 8 << 20).stream()
                .filter(line -> !HARNESS_LOGIN.matcher(line).find()).toList();
        List<String> errors = log.stream().filter(line -> line.contains("| ERROR |")).limit(5)
                .map(line -> line.length() > 600 ? line.substring(0, 600) + " …" : line).toList();
        if (!errors.isEmpty()) {
            text.append("---- first ERROR lines of ").append(logFile()).append('\n');
            errors.forEach(line -> text.append(line).append('\n'));
        }
        text.append("---- last ").append(lines).append(" lines of ").append(logFile())
                .append(" (without the harness's SSH logins)\n");
        log.subList(Math.max(0, log.size() - lines), log.size()).forEach(line -> text.append(line).append('\n'));
        List<String> console = lastLines(consoleLog(), 64 * 1024);
        if (!console.isEmpty()) {
            text.append("---- last lines of ").append(consoleLog()).append('\n');
            console.subList(Math.max(0, console.size() - 10), console.size())
                    .forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return name();
    }

    // ---------------------------------------------------------------- plumbing

    /** The lines of the last {@code maxBytes} of a text file (the first may be cut); none if there is no file. */
    static List<String> lastLines(Path file, int maxBytes) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, maxBytes);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    private static void runTool(Path directory, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process tool = builder.start();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!tool.waitFor(5, TimeUnit.MINUTES)) {
                tool.destroyForcibly();
                throw new IOException(command + " did not end within 5 minutes");
            }
        } catch (InterruptedException e) {
            tool.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command + " was interrupted", e);
        }
        if (tool.exitValue() != 0) {
            throw new IOException(command + " failed with status " + tool.exitValue() + ":\n" + output);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
