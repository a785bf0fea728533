package org.tesseras.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.tesseras.api.model.ContentHash;

/**
 * One shell command run in the node as an operator runs it: what it printed, and the message of the failure it
 * ended with (what Karaf shows, exit status 1 over SSH), if any; and how tests read what the commands print.
 */
record ShellRun(String command, String output, Optional<String> failure) {

    /**
     * Runs {@code command}; a command not found is retried for up to 30 s (Karaf registers the commands again when
     * a service they use comes or goes).
     */
    static ShellRun run(SessionFactory sessionFactory, String command) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Optional<String> failure = Optional.empty();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                Session session = sessionFactory.create(System.in, out, out);
                try {
                    session.execute(command);
                } catch (Exception e) {
                    // gogo's CommandNotFoundException, which Karaf does not export
                    if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(200);
                        continue;
                    }
                    failure = Optional.of(String.valueOf(e.getMessage()));
                } finally {
                    session.close();
                }
            }
            return new ShellRun(command, bytes.toString(StandardCharsets.UTF_8), failure);
        }
    }

    /** Runs a command that must succeed and returns what it printed. */
    static String succeeds(SessionFactory sessionFactory, String command) throws Exception {
        ShellRun run = run(sessionFactory, command);
        assertFalse(command + " failed: " + run.failure().orElse("") + "\n" + run.output(), run.failure().isPresent());
        return run.output();
    }

    /** Runs a command that must fail with a one-line message, and returns that message. */
    static String failsInOneLine(SessionFactory sessionFactory, String command) throws Exception {
        return run(sessionFactory, command).oneLineFailure();
    }

    /** The failure, which must be there and be one line. */
    String oneLineFailure() {
        assertTrue(command + " should have failed; it printed:\n" + output, failure.isPresent());
        String message = failure.get();
        assertFalse(command + " failed in more than one line: " + message, message.contains("\n"));
        assertFalse(command + " failed without a message", message.isBlank() || message.equals("null"));
        return message;
    }

    /** What the command printed, then its failure if it failed (a put without peers fails after printing). */
    String outputAndFailure() {
        return output + failure.map(message -> "\n(the command failed: " + message + ")").orElse("");
    }

    /** The hash in the {@code Tessera <hash>} line that {@code tesseras:put} prints. */
    static ContentHash tesseraHash(String putOutput) {
        Matcher matcher = Pattern.compile("^Tessera ([0-9a-f]{64})$", Pattern.MULTILINE).matcher(putOutput);
        assertTrue("no 'Tessera <hash>' line in:\n" + putOutput, matcher.find());
        return ContentHash.of(matcher.group(1));
    }

    /** The first row of a printed table that starts with {@code first} (a tessera hash, a NodeId). */
    static String row(String table, String first) {
        return table.lines().filter(line -> line.startsWith(first)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + first + " in:\n" + table));
    }

    /** The fragment indices of {@code hash} that {@code tesseras:fragments} lists. */
    static SortedSet<Integer> fragmentIndices(String table, ContentHash hash) {
        Matcher matcher = Pattern.compile("^" + hash.hex() + "\\s*\\|\\s*(\\d+)\\s*\\|", Pattern.MULTILINE)
                .matcher(table);
        SortedSet<Integer> indices = new TreeSet<>();
        while (matcher.find()) {
            indices.add(Integer.parseInt(matcher.group(1)));
        }
        return indices;
    }
}
