package org.tesseras.transport.netty.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals and opens TLS-record-sized messages with AES-GCM (the cipher TLS 1.3 picks here) on a background thread
 * when the transport starts, so the JIT has compiled the JDK's GCM code, and with it the GHASH and AES intrinsics,
 * before the first fragment arrives; until then GHASH runs as plain Java. Nothing it makes is sent or kept. It
 * pauses after each MiB, so a starting node keeps its CPU.
 */
final class CipherWarmUp implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CipherWarmUp.class);
    /** A full TLS record's plaintext. */
    static final int RECORD_BYTES = 16 * 1024;
    static final String THREAD_NAME = NettyTransport.THREAD_NAME_PREFIX + "-cipher-warm-up";
    private static final int TAG_BITS = 128;
    /** The pause after each MiB sealed. */
    static final long PAUSE_MILLIS = 20;
    private static final int RECORDS_PER_PAUSE = (1 << 20) / RECORD_BYTES;

    private final long budgetBytes;
    private volatile boolean completed;
    private Thread thread;

    /** @param budgetBytes how many bytes to seal (and open again) in all */
    CipherWarmUp(long budgetBytes) {
        this.budgetBytes = budgetBytes;
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

    /** Waits for the warm-up to end by itself; true when it sealed and opened its whole budget. */
    boolean awaitCompletion() throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.join();
        }
        return completed;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try {
            SecureRandom random = new SecureRandom();
            byte[] key = new byte[16];
            random.nextBytes(key);
            SecretKeySpec aes = new SecretKeySpec(key, "AES");
            byte[] iv = new byte[12];
            byte[] plain = new byte[RECORD_BYTES];
            random.nextBytes(plain);
            Cipher seal = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher open = Cipher.getInstance("AES/GCM/NoPadding");
            // the engine hands GCM both heap and direct buffers: warm both paths
            ByteBuffer[] plainIn = {ByteBuffer.wrap(plain), ByteBuffer.allocateDirect(RECORD_BYTES).put(plain).flip()};
            ByteBuffer[] sealed = {ByteBuffer.allocate(RECORD_BYTES + 16), ByteBuffer.allocateDirect(RECORD_BYTES + 16)};
            ByteBuffer[] opened = {ByteBuffer.allocate(RECORD_BYTES), ByteBuffer.allocateDirect(RECORD_BYTES)};
            long done = 0;
            for (long record = 0; done < budgetBytes; record++) {
                if (record > 0 && record % RECORDS_PER_PAUSE == 0) {
                    try {
                        Thread.sleep(PAUSE_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                int kind = (int) (record & 1);
                Arrays.fill(iv, (byte) 0);
                ByteBuffer.wrap(iv).putLong(4, record);
                GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, iv);
                seal.init(Cipher.ENCRYPT_MODE, aes, spec);
                open.init(Cipher.DECRYPT_MODE, aes, spec);
                plainIn[kind].rewind();
                sealed[kind].clear();
                opened[kind].clear();
                seal.doFinal(plainIn[kind], sealed[kind]);
                open.doFinal(sealed[kind].flip(), opened[kind]);
                if (!opened[kind].flip().equals(plainIn[kind].rewind())) {
                    LOG.warn("AES-GCM warm-up: a record did not open to what was sealed; the warm-up stops");
                    return;
                }
                done += RECORD_BYTES;
            }
            completed = true;
            LOG.info("Warmed up AES-GCM with {} MiB in {} ms", done >> 20, (System.nanoTime() - start) / 1_000_000);
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warn("AES-GCM warm-up failed (the transport works, its first transfers run slower): {}", e.toString());
        }
    }
}
