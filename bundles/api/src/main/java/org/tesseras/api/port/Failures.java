package org.tesseras.api.port;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.tesseras.api.message.ErrorCode;

/** How a failure that travelled through futures is told: its own cause, and its root message for people. */
public final class Failures {
    private Failures() {
    }

    /** The failure inside the {@link CompletionException}s and {@link ExecutionException}s that carried it. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether the peer answered BUSY: it has no room for the request now and may be asked again shortly. */
    public static boolean answeredBusy(Throwable failure) {
        return unwrap(failure) instanceof RemoteErrorException remote && remote.code() == ErrorCode.BUSY;
    }

    /** The message of the innermost cause, or its class name when it has none. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
