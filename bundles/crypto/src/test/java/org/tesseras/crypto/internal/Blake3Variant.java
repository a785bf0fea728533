package org.tesseras.crypto.internal;

import org.tesseras.api.port.Hasher;

/** The two BLAKE3 implementations every BLAKE3 test runs against: the scalar code alone, and with vector lanes. */
enum Blake3Variant {
    SCALAR {
        @Override
        Blake3Lanes lanes() {
            return null;
        }
    },
    VECTOR {
        @Override
        Blake3Lanes lanes() {
            // the test JVM runs with --add-modules jdk.incubator.vector (see the pom): without it, this fails
            return new Blake3VectorLanes();
        }
    };

    abstract Blake3Lanes lanes();

    Blake3 newHash() {
        return Blake3.newHash(lanes());
    }

    Blake3 newKeyedHash(byte[] key) {
        return Blake3.newKeyedHash(key, lanes());
    }

    Hasher hasher() {
        return new Blake3Hasher(this::lanes);
    }
}
