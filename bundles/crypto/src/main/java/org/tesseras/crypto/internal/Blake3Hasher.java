package org.tesseras.crypto.internal;

import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Hasher;

/**
 * BLAKE3 with this bundle's own implementation ({@link Blake3}), plain and keyed; whole chunks side by side
 * through the Vector API where the JVM has it ({@link Blake3Implementation}).
 */
@Component(service = Hasher.class)
public final class Blake3Hasher implements Hasher {
    private static final Logger LOG = LoggerFactory.getLogger(Blake3Hasher.class);

    private final Supplier<Blake3Lanes> lanes;

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
    }

    @Override
    public IncrementalHash newHash() {
        return Blake3.newHash(lanes.get());
    }

    @Override
    public IncrementalHash newKeyedHash(byte[] key) {
        return Blake3.newKeyedHash(key, lanes.get());
    }
}
