package org.tesseras.crypto.internal;

import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Hasher;

/**
 * BLAKE3 with this bundle's own implementation ({@link Blake3}), plain and keyed; whole chunks side by side
 * through the Vector API where the JVM has it ({@link Blake3Implementation}), warmed up and checked against the
 * scalar code at start ({@link Blake3WarmUp}; {@code -Dtesseras.blake3.warmUpMiB}, default 64, 0 for none).
 */
@Component(service = Hasher.class)
public final class Blake3Hasher implements Hasher {
    private static final Logger LOG = LoggerFactory.getLogger(Blake3Hasher.class);

    static final String WARM_UP_PROPERTY = "tesseras.blake3.warmUpMiB";
    static final long DEFAULT_WARM_UP_MIB = 64;

    private final Supplier<Blake3Lanes> lanes;
    /** False once the lanes gave a digest the scalar code does not: every hash is then scalar. */
    private volatile boolean lanesTrusted = true;
    private Blake3WarmUp warmUp;

    /** The implementation this JVM can run. */
    public Blake3Hasher() {
        this(Blake3Implementation::newLanes);
    }

    /** With the lanes {@code lanes} gives for each hash (null: scalar only). */
    Blake3Hasher(Supplier<Blake3Lanes> lanes) {
        this.lanes = lanes;
    }

    @Activate
    void activate() {
        LOG.info("BLAKE3: {}", Blake3Implementation.description());
        long mib = Long.getLong(WARM_UP_PROPERTY, DEFAULT_WARM_UP_MIB);
        if (lanes.get() != null && mib > 0) {
            startWarmUp(mib << 20);
        }
    }

    /** Warms up and checks the lanes with {@code budgetBytes} on a background thread ({@link Blake3WarmUp}). */
    synchronized Blake3WarmUp startWarmUp(long budgetBytes) {
        warmUp = new Blake3WarmUp(lanes, budgetBytes, () -> lanesTrusted = false);
        warmUp.start();
        return warmUp;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        Blake3WarmUp running;
        synchronized (this) {
            running = warmUp;
            warmUp = null;
        }
        if (running != null) {
            running.stop();
        }
    }

    /** Whether hashes run through the lanes (false where there are none, or they disagreed with the scalar code). */
    boolean usesLanes() {
        return lanesTrusted && lanes.get() != null;
    }

    @Override
    public IncrementalHash newHash() {
        return Blake3.newHash(lanesTrusted ? lanes.get() : null);
    }

    @Override
    public IncrementalHash newKeyedHash(byte[] key) {
        return Blake3.newKeyedHash(key, lanesTrusted ? lanes.get() : null);
    }
}
