package org.tesseras.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * One shell command run in the node as an operator runs it: what it printed, and the message of the failure it
 * ended with (what Karaf shows, exit status 1 over SSH), if any.
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
}
