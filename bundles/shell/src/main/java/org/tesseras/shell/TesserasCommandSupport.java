package org.tesseras.shell;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.ContentHash;

/**
 * What every {@code tesseras} command shares: its services are optional references (Karaf registers a bundle's
 * commands only once every mandatory reference of every command is there, so one missing service would hide
 * them all), a missing one is named in one line; a failure is one line saying what to do, with exit status 1;
 * tessera hashes are read one way; tables look alike. A command asks its service and prints the answer.
 */
public abstract class TesserasCommandSupport implements Action {

    @Override
    public final Object execute() throws Exception {
        try {
            doExecute();
        } catch (CommandException e) {
            throw e;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw failure(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        return null;
    }

    /** Asks the service and prints its answer; throws {@link #failure} when there is none to print. */
    protected abstract void doExecute() throws Exception;

    /** The command as typed, e.g. {@code tesseras:put}. */
    protected String commandName() {
        Command command = getClass().getAnnotation(Command.class);
        return command == null ? getClass().getSimpleName() : command.scope() + ":" + command.name();
    }

    /**
     * A failure the shell shows as one line ({@code Error executing command: ...}, exit status 1 over SSH), logged
     * by Karaf at DEBUG only: the message must say what went wrong and what to do.
     */
    protected static CommandException failure(String message) {
        return new CommandException(oneLine(message));
    }

    /** As {@link #failure(String)}, keeping the cause for the log. */
    protected static CommandException failure(String message, Throwable cause) {
        return new CommandException(oneLine(message), cause);
    }

    /**
     * A failure shown as exactly {@code line} (no prefix), exit status 1: for an outcome the command reports in
     * full before saying that it is not what was asked.
     */
    protected static CommandException failureLine(String line) {
        return new CommandException(oneLine(line), oneLine(line));
    }

    /** {@code service} when it is there, else a one-line failure naming the missing port. */
    protected <T> T require(T service, Class<T> port) throws CommandException {
        if (service == null) {
            throw failure(commandName() + " cannot answer: " + missing(port));
        }
        return service;
    }

    /** What is said of a service that is not running: which port, and where to look. */
    protected static String missing(Class<?> port) {
        return "no " + port.getSimpleName() + " service is running; tesseras:doctor and bundle:list show what is"
                + " down, karaf.log why";
    }

    /** The tessera hash {@code text} names; a one-line failure naming the text for anything else. */
    protected static ContentHash tesseraHash(String text) throws CommandException {
        if (!ContentHash.isValid(text)) {
            throw failure("'" + text + "' is not a tessera hash: give its 64 lowercase hex characters (Tab completes"
                    + " the ones held here)");
        }
        return ContentHash.of(text);
    }

    /** A table with these columns, printed as every command prints tables. */
    protected static ShellTable table(Col... columns) {
        ShellTable table = new ShellTable();
        for (Col column : columns) {
            table.column(column);
        }
        return table;
    }

    /** A column of text. */
    protected static Col text(String header) {
        return new Col(header);
    }

    /** A column of numbers, aligned right. */
    protected static Col number(String header) {
        return new Col(header).alignRight();
    }

    /** Prints {@code table} to the session. */
    protected static void print(ShellTable table) {
        table.print(System.out);
    }

    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
