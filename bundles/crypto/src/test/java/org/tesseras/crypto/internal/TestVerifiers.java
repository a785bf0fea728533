package org.tesseras.dht.internal;

import java.lang.annotation.Annotation;

import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.IdentityConfiguration;
import org.tesseras.crypto.internal.PowIdentityVerifier;

/** The crypto bundle's real verifier, configured in code. */
final class TestVerifiers {
    private TestVerifiers() {
    }

    /** A {@link PowIdentityVerifier} requiring {@code powDifficulty} leading zero bits. */
    static IdentityVerifier pow(int powDifficulty) {
        return new PowIdentityVerifier(new Blake3Hasher(), new IdentityConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return IdentityConfiguration.class;
            }

            @Override
            public int powDifficulty() {
                return powDifficulty;
            }

            @Override
            public String keyFile() {
                return "";
            }
        });
    }
}
