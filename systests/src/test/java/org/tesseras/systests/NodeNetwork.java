package org.tesseras.systests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.sshd.client.SshClient;

/**
 * N distribution nodes on 127.0.0.1, each its own process: node 1 is every other node's DHT seed (and node 2 is node
 * 1's). {@link #start()}
 * unpacks and starts them all at once and returns when every node lists every other one in {@code tesseras:peers};
 * {@link #close()} kills whatever still runs, also after a failed test (and a JVM shutdown hook does as a last
 * resort).
 */
public final class NodeNetwork implements AutoCloseable {
    /**
     * Heap and collector of each node: small, and one GC thread, as many nodes share two cores
     * ({@code -Dtesseras.systest.jvmOptions=…} replaces them).
     */
    public static final String DEFAULT_JVM_OPTIONS = System.getProperty("tesseras.systest.jvmOptions",
            "-Xms64m -Xmx256m -XX:+UseSerialGC");
    /** How long the nodes may take to find each other once all are ready. */
    public static final Duration PEERS_TIMEOUT = Duration.ofMinutes(2);
    /** After this long without a full routing table a node is asked to bootstrap again through the peer it lacks. */
    private static final Duration REJOIN_AFTER = Duration.ofSeconds(20);
    private static final int PORTS_PER_NODE = 6;
    private static final int START_AT_ONCE = 3;

    /** How many nodes, with which JVM options and further configuration (PID → property → value). */
    public record Options(int nodes, String jvmOptions, Map<String, Map<String, String>> configuration) {
        public Options {
            if (nodes < 1) {
                throw new IllegalArgumentException("a network needs a node at least, not " + nodes);
            }
            configuration = Map.copyOf(configuration);
        }

        /** {@code nodes} nodes with {@link #DEFAULT_JVM_OPTIONS} and the harness's configuration only. */
        public static Options of(int nodes) {
            return new Options(nodes, DEFAULT_JVM_OPTIONS, Map.of());
        }

        public Options withJvmOptions(String options) {
            return new Options(nodes, options, configuration);
        }

        /** These options plus {@code key = value} in every node's {@code etc/<pid>.cfg}. */
        public Options configure(String pid, String key, String value) {
            Map<String, Map<String, String>> copy = new LinkedHashMap<>(configuration);
            Map<String, String> properties = new LinkedHashMap<>(copy.getOrDefault(pid, Map.of()));
            properties.put(key, value);
            copy.put(pid, Map.copyOf(properties));
            return new Options(nodes, jvmOptions, copy);
        }
    }

    private final Path directory;
    private final Options options;
    private final SshClient ssh;
    private final List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
    private boolean closed;

    /** A network whose nodes will live in {@code directory/n1 … nN}; nothing runs before {@link #start()}. */
    public NodeNetwork(Path directory, Options options) {
        this.directory = directory.toAbsolutePath();
        this.options = options;
        this.ssh = NodeShell.startClient();
    }

    /** Unpacks, configures and starts every node, waits until each is ready and knows all the others. */
    public NodeNetwork start() throws IOException {
        if (!nodes.isEmpty()) {
            throw new IllegalStateException("the network in " + directory + " was started already");
        }
        long start = System.nanoTime();
        Path distribution = distribution();
        int[] ports = freePorts(PORTS_PER_NODE * options.nodes());
        // node 1 is every other node's seed; node 2 is node 1's, so that a restarted node 1 finds the network again
        // (a node keeps no routing table across a restart: it knows its seeds only)
        String seed = "127.0.0.1:" + ports[3];
        List<String> seedOfSeed = options.nodes() > 1 ? List.of("127.0.0.1:" + ports[PORTS_PER_NODE + 3]) : List.of();
        List<Callable<NodeProcess>> unpacks = new ArrayList<>();
        for (int i = 0; i < options.nodes(); i++) {
            int p = PORTS_PER_NODE * i;
            NodeProcess.Settings settings = new NodeProcess.Settings("n" + (i + 1),
                    new NodeProcess.Ports(ports[p], ports[p + 1], ports[p + 2], ports[p + 3], ports[p + 4],
                            ports[p + 5]),
                    i == 0 ? seedOfSeed : List.of(seed), options.jvmOptions(), options.configuration());
            unpacks.add(() -> NodeProcess.unpack(distribution, directory.resolve(settings.name()), settings, ssh));
        }
        // tar and gzip keep a core busy each: two at a time on this two-core machine
        nodes.addAll(inParallel(unpacks, 2));
        SystemTestLog.info(options.nodes() + " nodes unpacked in " + directory + " in " + SystemTestLog.since(start));
        // Karaf boots take a core each for a while: a few at a time, so that on a busy two-core machine six nodes
        // come up as reliably as four
        for (int first = 0; first < nodes.size(); first += START_AT_ONCE) {
            List<NodeProcess> wave = nodes.subList(first, Math.min(nodes.size(), first + START_AT_ONCE));
            for (NodeProcess node : wave) {
                node.start();
            }
            List<Callable<String>> readiness = new ArrayList<>();
            for (NodeProcess node : wave) {
                readiness.add(node::awaitReady);
            }
            inParallel(readiness, wave.size());
        }
        awaitPeers(PEERS_TIMEOUT);
        SystemTestLog.info("network of " + nodes.size() + " nodes up in " + SystemTestLog.since(start));
        return this;
    }

    /**
     * Waits until every running node's {@code tesseras:peers} lists every other running node. A node that misses a
     * peer for {@link #REJOIN_AFTER} is introduced to it with {@code tesseras:bootstrap} (and that is logged).
     */
    public void awaitPeers(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long rejoinAt = start + REJOIN_AFTER.toNanos();
        while (true) {
            List<NodeProcess> running = nodes.stream().filter(NodeProcess::isAlive).toList();
            Map<NodeProcess, Set<NodeProcess>> missing = new LinkedHashMap<>();
            for (NodeProcess node : running) {
                Set<String> known = new HashSet<>(node.peerIds());
                for (NodeProcess other : running) {
                    if (other != node && !known.contains(other.nodeId())) {
                        missing.computeIfAbsent(node, n -> new java.util.LinkedHashSet<>()).add(other);
                    }
                }
            }
            if (missing.isEmpty()) {
                SystemTestLog.info("each of the " + running.size() + " running nodes knows the other "
                        + (running.size() - 1) + " (" + SystemTestLog.since(start) + ")");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nodes still miss peers after " + timeout + ": " + missing + "\n"
                        + diagnostics(40));
            }
            if (System.nanoTime() > rejoinAt) {
                missing.forEach((node, peers) -> peers.forEach(peer -> {
                    SystemTestLog.info(node.name() + " still misses " + peer.name() + " after "
                            + SystemTestLog.since(start) + ": tesseras:bootstrap " + node.transportAddress() + " on "
                            + peer.name());
                    peer.execute("tesseras:bootstrap " + node.transportAddress());
                }));
                rejoinAt = System.nanoTime() + REJOIN_AFTER.toNanos();
            }
            NodeProcess.sleep(1000);
        }
    }

    /** The nodes, n1 first. */
    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** Node {@code number}, counted from 1 as in its name. */
    public NodeProcess node(int number) {
        return nodes.get(number - 1);
    }

    /** The directory the nodes live in. */
    public Path directory() {
        return directory;
    }

    /** Every node's state and the last {@code lines} lines of its log. */
    public String diagnostics(int lines) {
        StringBuilder text = new StringBuilder();
        for (NodeProcess node : nodes) {
            text.append(node.diagnostics(lines));
        }
        return text.toString();
    }

    /** Kills every node still running (kill -9: the test is over) and closes the SSH client. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NodeProcess node : nodes) {
            try {
                if (node.isAlive()) {
                    node.kill9();
                }
            } catch (RuntimeException | Error e) {
                SystemTestLog.info("cannot kill " + node.name() + ": " + e);
            }
        }
        ssh.stop();
    }

    /**
     * The node distribution: the system property {@code tesseras.distribution} (the pom sets it to the
     * tesseras-distro tar.gz it depends on), else the one karaf-distro built beside this module.
     */
    static Path distribution() throws IOException {
        String configured = System.getProperty("tesseras.distribution", "");
        if (!configured.isBlank()) {
            return Path.of(configured);
        }
        Path target = Path.of("..", "karaf-distro", "target").toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(target, "tesseras-distro-*.tar.gz")) {
                for (Path file : found) {
                    return file;
                }
            }
        }
        throw new IllegalStateException("no node distribution: set -Dtesseras.distribution=…tar.gz or build it"
                + " (mvn install -DskipTests) so that " + target + " holds it");
    }

    /**
     * {@code count} distinct ports free on 127.0.0.1, taken below the kernel's ephemeral range where one is known,
     * so that no outgoing connection takes one between now and the node binding it (a restarted node binds the
     * same ports again); from a random point so that two test runs on one machine rarely meet.
     */
    static int[] freePorts(int count) {
        int[] ports = new int[count];
        int low = 20000;
        int high = ephemeralRangeStart() - 1;
        if (high - low < 1000) {
            return ephemeralPorts(count);
        }
        int candidate = low + ThreadLocalRandom.current().nextInt(high - low);
        int found = 0;
        for (int tried = 0; found < count && tried < high - low; tried++) {
            int port = low + (candidate - low + tried) % (high - low);
            if (bindable(port)) {
                ports[found++] = port;
            }
        }
        if (found < count) {
            return ephemeralPorts(count);
        }
        return ports;
    }

    private static int ephemeralRangeStart() {
        // one read of the whole file: procfs answers a second read (as Files.readString makes) with end of file
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int[] ephemeralPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // it was only held to keep the ports distinct
                }
            }
        }
    }

    /**
     * Runs the tasks on {@code threads} threads and returns their results in order; the first failure cancels the
     * others and is thrown.
     */
    static <T> List<T> inParallel(List<Callable<T>> tasks, int threads) throws IOException {
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "systest-parallel");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<T> completion = new ExecutorCompletionService<>(executor);
            Map<java.util.concurrent.Future<T>, Integer> order = new LinkedHashMap<>();
            for (int i = 0; i < tasks.size(); i++) {
                order.put(completion.submit(tasks.get(i)), i);
            }
            List<T> results = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
            for (int done = 0; done < tasks.size(); done++) {
                java.util.concurrent.Future<T> future = completion.take();
                try {
                    results.set(order.get(future), future.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IOException(cause);
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            executor.shutdownNow();
        }
    }
}
