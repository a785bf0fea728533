package org.tesseras.shell;

import java.io.PrintStream;

import org.tesseras.api.port.ProgressListener;

/**
 * Prints progress of long work as a line per phase and per tenth done, to the session's console (progress
 * arrives on worker threads, where {@code System.out} is not the session's).
 */
final class ProgressPrinter implements ProgressListener {
    private final PrintStream out;
    private String phase = "";
    private long lastTenth = -1;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void onProgress(String newPhase, long done, long total) {
        long tenth = total <= 0 ? 10 : done * 10 / total;
        if (!newPhase.equals(phase)) {
            phase = newPhase;
            lastTenth = -1;
        }
        if (tenth != lastTenth) {
            lastTenth = tenth;
            out.println("  " + phase + ": " + Sizes.progress(phase, done, total));
            out.flush();
        }
    }
}
