package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;

class NodeIdentityTest {
    private final Hasher hasher = new Blake3Hasher();

    @TempDir
    Path dir;

    static IdentityConfiguration config(int difficulty, Path keyFile) {
        return new IdentityConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return IdentityConfiguration.class;
            }

            @Override
            public int powDifficulty() {
                return difficulty;
            }

            @Override
            public String keyFile() {
                return keyFile.toString();
            }
        };
    }

    @Test
    void firstStartCreatesAnOwnerOnlyKeyWhoseNodeIdCarriesTheProofOfWork() throws IOException {
        Path keyFile = dir.resolve("tesseras").resolve("identity.key");
        FileNodeIdentity identity = new FileNodeIdentity(hasher, config(8, keyFile));

        assertTrue(Files.exists(keyFile));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
        assertTrue(identity.nodeId().leadingZeroBits() >= 8, identity.nodeId().hex());
        assertEquals(identity.nodeId(), ProofOfWork.deriveNodeId(hasher, identity.publicKey(), identity.nonce()));
        assertEquals(32, identity.publicKey().length);
        try (var files = Files.list(keyFile.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void laterStartsLoadTheSameIdentity() {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity first = new FileNodeIdentity(hasher, config(8, keyFile));
        FileNodeIdentity second = new FileNodeIdentity(hasher, config(8, keyFile));
        assertEquals(first.nodeId(), second.nodeId());
        assertArrayEquals(first.publicKey(), second.publicKey());
        assertEquals(first.nonce(), second.nonce());
        byte[] message = "same key".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Ed25519.verify(first.publicKey(), message, second.sign(message)));
    }

    @Test
    void aTruncatedKeyFileStopsTheNodeAndIsKept() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        new FileNodeIdentity(hasher, config(8, keyFile));
        byte[] original = Files.readAllBytes(keyFile);
        byte[] truncated = java.util.Arrays.copyOf(original, original.length / 2);
        Files.write(keyFile, truncated);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new FileNodeIdentity(hasher, config(8, keyFile)));
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertArrayEquals(truncated, Files.readAllBytes(keyFile), "a damaged key file is never replaced");
    }

    @Test
    void anEditedKeyFileStopsTheNode() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity identity = new FileNodeIdentity(hasher, config(8, keyFile));
        String text = Files.readString(keyFile);
        String edited = text.replace("nonce=" + identity.nonce(), "nonce=" + (identity.nonce() + 1));
        Files.writeString(keyFile, edited);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new FileNodeIdentity(hasher, config(8, keyFile)));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertEquals(edited, Files.readString(keyFile));
    }

    @Test
    void aKeyWithLessProofOfWorkThanRequiredIsRefusedWithAnExplanation() {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity weak = new FileNodeIdentity(hasher, config(0, keyFile));
        int required = weak.nodeId().leadingZeroBits() + 1;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new FileNodeIdentity(hasher, config(required, keyFile)));
        assertTrue(e.getMessage().contains("powDifficulty"), e.getMessage());
    }

    @Test
    void badDifficultyIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FileNodeIdentity(hasher, config(33, dir.resolve("k"))));
        assertTrue(e.getMessage().contains("powDifficulty"), e.getMessage());
    }

    @Test
    void verifierAcceptsProvenIdsAndRefusesOthers() {
        FileNodeIdentity identity = new FileNodeIdentity(hasher, config(8, dir.resolve("identity.key")));
        PowIdentityVerifier verifier = new PowIdentityVerifier(hasher, config(8, dir.resolve("unused")));
        byte[] key = identity.publicKey();

        assertTrue(verifier.verifyPow(identity.nodeId(), key, identity.nonce()));
        assertFalse(verifier.verifyPow(identity.nodeId(), key, identity.nonce() + 1), "wrong nonce");
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertFalse(verifier.verifyPow(identity.nodeId(), otherKey, identity.nonce()), "wrong key");

        long weakNonce = findNonceWithExactBits(key, 0);
        NodeId weakId = verifier.deriveNodeId(key, weakNonce);
        assertFalse(verifier.verifyPow(weakId, key, weakNonce), "genuine derivation but too little work");
    }

    @Test
    void signaturesVerifyOnlyForTheSignedMessageAndKey() throws NoSuchAlgorithmException {
        FileNodeIdentity identity = new FileNodeIdentity(hasher, config(8, dir.resolve("identity.key")));
        PowIdentityVerifier verifier = new PowIdentityVerifier(hasher, config(8, dir.resolve("unused")));
        byte[] message = "attestation".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = identity.sign(message);
        assertEquals(64, signature.length);
        assertTrue(verifier.verifySignature(identity.publicKey(), message, signature));
        assertFalse(verifier.verifySignature(identity.publicKey(), "attestatioN".getBytes(StandardCharsets.US_ASCII),
                signature));
        byte[] otherKey = Ed25519.rawPublicKey(Ed25519.generate().getPublic());
        assertFalse(verifier.verifySignature(otherKey, message, signature));
        assertFalse(verifier.verifySignature(new byte[5], message, signature), "malformed key is a no, not a crash");

        var rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
        assertThrows(IllegalArgumentException.class, () -> verifier.rawPublicKey(rsa));
    }

    private long findNonceWithExactBits(byte[] key, int bits) {
        for (long nonce = 0; ; nonce++) {
            if (ProofOfWork.deriveNodeId(hasher, key, nonce).leadingZeroBits() == bits) {
                return nonce;
            }
        }
    }
}
