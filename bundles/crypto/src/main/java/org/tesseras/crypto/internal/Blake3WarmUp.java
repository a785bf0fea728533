package org.tesseras.crypto.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;

/**
 * Hashes a fixed message through the vector lanes on a background thread when the node starts, so the JIT has
 * compiled them before the first tessera arrives (until then the Vector API runs its slow generic code), and
 * checks every digest against the scalar code's: lanes that ever disagree are reported and no longer used. It
 * paces itself (a pause after each message, so a starting node keeps its CPU) and ends early once a message
 * costs the CPU time of compiled code.
 */
final class Blake3WarmUp implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Blake3WarmUp.class);
    /** The message hashed each round, fed in pieces the size the node streams with. */
    static final int MESSAGE_BYTES = 1 << 20;
    static final int PIECE_BYTES = 64 * 1024;
    static final String THREAD_NAME = "tesseras-blake3-warm-up";
    /** The pause after each message. */
    static final long PAUSE_MILLIS = 20;
    /**
     * A message hashed in less CPU time than this (over 500 MB/s) ran compiled: the generic code of the Vector API
     * does not come near it, the compiled lanes pass 1,500 MB/s.
     */
    static final long COMPILED_NANOS_PER_MESSAGE = 2_000_000;
    /** Compiled-speed messages in a row that end the warm-up. */
    static final int COMPILED_ROUNDS = 3;

    /** How a warm-up ended. */
    enum Outcome {
        /** Every round gave the scalar code's digest. */
        AGREED,
        /** A round gave another digest: the lanes are not to be used. */
        DIFFERED,
        /** Stopped before its last round (the bundle stopped). */
        STOPPED
    }

    private final Supplier<Blake3Lanes> lanes;
    private final long budgetBytes;
    private final Runnable onDisagreement;
    private volatile Outcome outcome;
    private Thread thread;

    /**
     * @param lanes the lanes to warm up and check
     * @param budgetBytes how many bytes to hash through them in all
     * @param onDisagreement called once, on the warm-up thread, if a digest differs from the scalar code's
     */
    Blake3WarmUp(Supplier<Blake3Lanes> lanes, long budgetBytes, Runnable onDisagreement) {
        this.lanes = lanes;
        this.budgetBytes = budgetBytes;
        this.onDisagreement = onDisagreement;
    }

    /** Starts the warm-up on its own daemon thread of low priority. */
    synchronized void start() {
        thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Stops the warm-up and waits for its thread to end. */
    void stop() throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = thread;
            thread = null;
        }
        if (running != null) {
            running.interrupt();
            running.join();
        }
    }

    /** How the warm-up ended, or null while it runs or if it never started. */
    Outcome outcome() {
        return outcome;
    }

    /** Waits for the warm-up to end by itself and says how it ended. */
    Outcome awaitOutcome() throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.join();
        }
        return outcome;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        byte[] message = new byte[MESSAGE_BYTES];
        new Random(MESSAGE_BYTES).nextBytes(message);
        ContentHash scalar = Blake3.newHash(null).update(message, 0, message.length).finish();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean timed = threads.isCurrentThreadCpuTimeSupported();
        long hashed = 0;
        int fastRounds = 0;
        while (hashed < budgetBytes && fastRounds < COMPILED_ROUNDS) {
            if (hashed > 0) {
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                outcome = Outcome.STOPPED;
                return;
            }
            long cpuStart = timed ? threads.getCurrentThreadCpuTime() : 0;
            Blake3 hash = Blake3.newHash(lanes.get());
            for (int offset = 0; offset < message.length; offset += PIECE_BYTES) {
                hash.update(message, offset, PIECE_BYTES);
            }
            ContentHash vector = hash.finish();
            hashed += message.length;
            boolean fast = timed && threads.getCurrentThreadCpuTime() - cpuStart < COMPILED_NANOS_PER_MESSAGE;
            fastRounds = fast ? fastRounds + 1 : 0;
            if (!vector.equals(scalar)) {
                LOG.error("BLAKE3: the Vector API lanes gave {} for a message whose digest is {} (after {} bytes of"
                        + " warm-up): this JVM computes them wrongly, so this node hashes with the scalar code from"
                        + " now on", vector, scalar, hashed);
                outcome = Outcome.DIFFERED;
                onDisagreement.run();
                return;
            }
        }
        LOG.info("BLAKE3: warmed up the Vector API lanes with {} MiB in {} ms ({}), every digest equal to the"
                + " scalar code's", hashed >> 20, (System.nanoTime() - start) / 1_000_000, fastRounds >= COMPILED_ROUNDS
                ? "they run compiled" : "the budget ran out before they ran at compiled speed");
        outcome = Outcome.AGREED;
    }
}
