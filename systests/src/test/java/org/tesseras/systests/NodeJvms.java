package org.tesseras.systests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Finding node JVMs among the machine's processes: a node's Karaf JVM, and those an aborted earlier run left. */
final class NodeJvms {
    private NodeJvms() {
    }

    /** Whether the process runs Karaf's main class (bin/karaf also runs a short {@code java -version} first). */
    static boolean isKaraf(ProcessHandle handle) {
        return commandLine(handle).contains("org.apache.karaf.main.Main");
    }

    /**
     * A process's whole command line: from /proc where there is one (ProcessHandle.Info cuts it at 4 KiB, before
     * Karaf's main class), else what ProcessHandle.Info knows.
     */
    static String commandLine(ProcessHandle handle) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(handle.pid()), "cmdline"));
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return handle.info().commandLine().orElse("");
        }
    }

    /** Kills the node JVMs an earlier, aborted test run left anywhere in {@code directory} (up to three levels down). */
    static void killLeftovers(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> homes;
        try (Stream<Path> files = Files.walk(directory, 3)) {
            homes = files.filter(file -> file.getFileName().toString().equals("jvm.pid")).map(Path::getParent).toList();
        }
        for (Path home : homes) {
            killLeftover(home);
        }
    }

    /** Kills the node JVM an earlier, aborted test run left in {@code home} (its pid is in jvm.pid). */
    static void killLeftover(Path home) throws IOException {
        Path pidFile = home.resolve("jvm.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NumberFormatException e) {
            return;
        }
        String marker = home.toAbsolutePath().toString();
        Optional<ProcessHandle> leftover = ProcessHandle.of(pid).filter(handle -> commandLine(handle).contains(marker));
        if (leftover.isPresent()) {
            SystemTestLog.info("killing pid " + pid + ", a node an earlier run left in " + home);
            leftover.get().destroyForcibly();
            try {
                leftover.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("pid " + pid + " (a node left in " + home + ") survived SIGKILL", e);
            }
        }
    }
}
