package org.tesseras.crypto.internal;

import java.lang.annotation.Annotation;

import org.tesseras.api.port.IdentityVerifier;

/** The crypto bundle's real verifier, configured in code, for other bundles' tests (in this module's test jar). */
public final class TestVerifiers {
    private TestVerifiers() {
    }

    /** A {@link PowIdentityVerifier} requiring {@code powDifficulty} leading zero bits. */
    public static IdentityVerifier pow(int powDifficulty) {
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
