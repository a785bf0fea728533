package org.tesseras.api.port;

/** Told how long work advances; called from worker threads, so implementations must be thread-safe. */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = (phase, done, total) -> {
    };

    /** {@code done} of {@code total} units (bytes or fragments, as {@code phase} says) are finished. */
    void onProgress(String phase, long done, long total);
}
