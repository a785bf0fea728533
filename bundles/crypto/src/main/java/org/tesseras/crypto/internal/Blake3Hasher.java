package org.tesseras.crypto.internal;

import org.osgi.service.component.annotations.Component;
import org.tesseras.api.port.Hasher;

/** BLAKE3 with this bundle's own implementation ({@link Blake3}), plain and keyed. */
@Component(service = Hasher.class)
public final class Blake3Hasher implements Hasher {

    @Override
    public IncrementalHash newHash() {
        return Blake3.newHash();
    }

    @Override
    public IncrementalHash newKeyedHash(byte[] key) {
        return Blake3.newKeyedHash(key);
    }
}
