package org.tesseras.systests;

import java.util.regex.Pattern;

/**
 * What one shell command printed on a node, and how it ended: exit status 0 when it succeeded, 1 when Karaf
 * reported an error, {@link #CONNECTION_LOST} when the session ended without a status (the node died).
 */
public record ShellResult(String node, String command, int exitStatus, String output, String errors) {
    /** The exit status of a command whose session closed without one. */
    public static final int CONNECTION_LOST = -1;
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
    private static final Pattern SERVICE_NOT_RUNNING = Pattern.compile("cannot answer: no \\w+ service is running");

    public ShellResult {
        output = ANSI_ESCAPE.matcher(output).replaceAll("");
        errors = ANSI_ESCAPE.matcher(errors).replaceAll("");
    }

    /** Whether the command ran and reported no error. */
    public boolean succeeded() {
        return exitStatus == 0;
    }

    /** Whether Karaf did not know the command (yet): its shell registers commands as their services come up. */
    public boolean commandNotFound() {
        return exitStatus != 0 && (errors.contains("Command not found") || output.contains("Command not found"));
    }

    /**
     * Whether the command is there but a service it needs is not running (yet): it says {@code ... cannot answer: no
     * ReplicationService service is running; ...}. Right after a start the node's services come up one by one.
     */
    public boolean serviceNotRunning() {
        return exitStatus != 0 && SERVICE_NOT_RUNNING.matcher(text()).find();
    }

    /** Standard output followed by standard error. */
    public String text() {
        return errors.isEmpty() ? output : output + errors;
    }

    @Override
    public String toString() {
        return node + "> " + command + " (exit " + (exitStatus == CONNECTION_LOST ? "none, connection lost" : exitStatus)
                + ")\n" + text();
    }
}
