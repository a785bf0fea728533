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
        FileNodeIdentity identity = FileNodeIdentity.minted(hasher, config(8, keyFile));

        assertTrue(Files.exists(keyFile));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
        assertTrue(identity.powBits() >= 8, identity.nodeId().hex());
        assertEquals(identity.nodeId(), ProofOfWork.nodeIdOf(hasher, identity.publicKey()));
        assertEquals(32, identity.publicKey().length);
        try (var files = Files.list(keyFile.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void laterStartsLoadTheSameIdentity() {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity first = FileNodeIdentity.minted(hasher, config(8, keyFile));
        FileNodeIdentity second = FileNodeIdentity.minted(hasher, config(8, keyFile));
        assertEquals(first.nodeId(), second.nodeId());
        assertArrayEquals(first.publicKey(), second.publicKey());
        assertEquals(first.nonce(), second.nonce());
        byte[] message = "same key".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Ed25519.verify(first.publicKey(), message, second.sign(message)));
    }

    @Test
    void aTruncatedKeyFileStopsTheNodeAndIsKept() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity.minted(hasher, config(8, keyFile));
        byte[] original = Files.readAllBytes(keyFile);
        byte[] truncated = java.util.Arrays.copyOf(original, original.length / 2);
        Files.write(keyFile, truncated);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> FileNodeIdentity.minted(hasher, config(8, keyFile)));
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertArrayEquals(truncated, Files.readAllBytes(keyFile), "a damaged key file is never replaced");
    }

    @Test
    void anEditedKeyFileStopsTheNode() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity identity = FileNodeIdentity.minted(hasher, config(8, keyFile));
        String text = Files.readString(keyFile);
        String edited = text.replace("nonce=" + identity.nonce(), "nonce=" + (identity.nonce() + 1));
        Files.writeString(keyFile, edited);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> FileNodeIdentity.minted(hasher, config(8, keyFile)));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertEquals(edited, Files.readString(keyFile));
    }

    @Test
    void aRaisedDifficultyKeepsTheKeyAndNodeIdAndMintsANewNonce() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity weak = FileNodeIdentity.minted(hasher, config(0, keyFile));
        int required = weak.powBits() + 4;
        FileNodeIdentity strong = FileNodeIdentity.minted(hasher, config(required, keyFile));

        assertEquals(weak.nodeId(), strong.nodeId());
        assertArrayEquals(weak.publicKey(), strong.publicKey());
        assertTrue(strong.powBits() >= required, "pow " + strong.powBits() + " < " + required);
        assertEquals(strong.nonce(), FileNodeIdentity.minted(hasher, config(required, keyFile)).nonce());
        assertFalse(Files.exists(NonceMint.progressFile(keyFile)), "the minting progress is gone once done");
    }

    @Test
    void aKeyImportedWhileTheNodeMintsIsKeptAndTheMintingGivenUp() throws Exception {
        Path keyFile = dir.resolve("identity.key");
        Path keptAs = dir.resolve("identity.key.replaced");
        var imported = Ed25519.generate();
        byte[] importedKey = Ed25519.rawPublicKey(imported.getPublic());
        long importedNonce = findNonceWithAtLeastBits(importedKey, 8, 0);
        var minting = Ed25519.generate();
        byte[] mintingKey = Ed25519.rawPublicKey(minting.getPublic());
        long weakNonce = 0;
        while (ProofOfWork.powBits(hasher, mintingKey, weakNonce) >= 8) {
            weakNonce++;
        }
        IdentityKeyFile.create(keyFile, hasher, minting, weakNonce, ProofOfWork.nodeIdOf(hasher, mintingKey));
        byte[][] mintedKey = new byte[1][];

        IdentityKeyFile.Contents result = NonceMint.ensure(keyFile, hasher, 8, () -> {
            mintedKey[0] = IdentityKeyFile.read(keyFile, hasher).publicKey();
            IdentityKeyFile.replace(keyFile, hasher, imported, importedNonce, keptAs);
        });

        NodeId importedId = ProofOfWork.nodeIdOf(hasher, importedKey);
        assertEquals(importedId, result.nodeId(), "the mint answers with the imported key");
        IdentityKeyFile.Contents onDisk = IdentityKeyFile.read(keyFile, hasher);
        assertArrayEquals(importedKey, onDisk.publicKey(), "the imported key is not overwritten by the minted nonce");
        assertEquals(importedNonce, onDisk.nonce());
        assertArrayEquals(mintedKey[0], IdentityKeyFile.read(keptAs, hasher).publicKey(),
                "the key being minted is kept where the import put it");
        assertArrayEquals(mintingKey, mintedKey[0], "the import landed while the node's own key was minted");
        assertFalse(Files.exists(NonceMint.progressFile(keyFile)), "no progress of the old key is left to resume");
        assertEquals(importedId, FileNodeIdentity.minted(hasher, config(8, keyFile)).nodeId());
    }

    @Test
    void theComponentNeverMintsOnTheThreadThatStartsIt() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity weak = FileNodeIdentity.minted(hasher, config(0, keyFile));
        byte[] before = Files.readAllBytes(keyFile);
        int raised = weak.powBits() + 12;

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new FileNodeIdentity(hasher, config(raised, keyFile)));
        assertTrue(refused.getMessage().contains("mints them in the background"), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(keyFile), "the key file is left to IdentityMint");
        assertEquals(weak.nodeId(), new FileNodeIdentity(hasher, config(weak.powBits(), keyFile)).nodeId(),
                "a key that shows enough work loads at once");
        assertThrows(IllegalStateException.class, () -> new FileNodeIdentity(hasher, config(8, dir.resolve("none"))),
                "nor creates a key");
    }

    @Test
    void aKeyHasOneNodeIdWhateverTheNonce() {
        PowIdentityVerifier verifier = new PowIdentityVerifier(hasher, config(6, dir.resolve("unused")));
        byte[] key = Ed25519.rawPublicKey(Ed25519.generate().getPublic());
        long first = findNonceWithAtLeastBits(key, 6, 0);
        long second = findNonceWithAtLeastBits(key, 6, first + 1);

        assertTrue(verifier.verifyPow(verifier.deriveNodeId(key), key, first));
        assertTrue(verifier.verifyPow(verifier.deriveNodeId(key), key, second));
        NodeId other = new NodeId(java.util.Arrays.copyOf(hasher.hash(java.util.Arrays.copyOf(key, 40)).bytes(), 20));
        assertFalse(verifier.verifyPow(other, key, first), "a second NodeId for the same key and valid work");
        assertFalse(verifier.verifyPow(ProofOfWork.legacyNodeId(hasher, key, first), key, first),
                "the NodeId the nonce gave before is no NodeId of the key");
    }

    @Test
    void theFastSearchAgreesWithTheHasherNonceByNonce() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            byte[] key = Ed25519.rawPublicKey(Ed25519.generate().getPublic());
            long found = ProofOfWork.findNonce(key, 10, 0, null);
            assertTrue(ProofOfWork.powBits(hasher, key, found) >= 10);
            for (long nonce = 0; nonce < found; nonce++) {
                assertTrue(ProofOfWork.powBits(hasher, key, nonce) < 10, "nonce " + nonce + " was passed over");
            }
            assertEquals(found, findNonceWithAtLeastBits(key, 10, 0));
        }
    }

    @Test
    void aKeyFileOfTheOldFormatKeepsItsKeyGetsItsNewNodeIdAndIsKeptAside() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        var keys = Ed25519.generate();
        byte[] key = Ed25519.rawPublicKey(keys.getPublic());
        long oldNonce = findNonceWithAtLeastBits(key, 0, 0);
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("format", "tesseras-identity-1");
        fields.put("privateKey", java.util.HexFormat.of().formatHex(keys.getPrivate().getEncoded()));
        fields.put("publicKey", java.util.HexFormat.of().formatHex(key));
        fields.put("nonce", Long.toString(oldNonce));
        fields.put("nodeId", ProofOfWork.legacyNodeId(hasher, key, oldNonce).hex());
        StringBuilder canonical = new StringBuilder();
        fields.forEach((name, value) -> canonical.append(name).append('=').append(value).append('\n'));
        String text = canonical + "checksum=" + hasher.hash(canonical.toString().getBytes(StandardCharsets.US_ASCII))
                .hex() + "\n";
        Files.writeString(keyFile, text);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

        FileNodeIdentity identity = FileNodeIdentity.minted(hasher, config(6, keyFile));

        assertArrayEquals(key, identity.publicKey());
        assertEquals(ProofOfWork.nodeIdOf(hasher, key), identity.nodeId());
        assertTrue(identity.powBits() >= 6);
        assertEquals(text, Files.readString(NonceMint.legacyCopy(keyFile)), "the old file is kept as it was");
        assertTrue(Files.readString(keyFile).contains("format=tesseras-identity-2"));
        assertEquals(identity.nonce(), FileNodeIdentity.minted(hasher, config(6, keyFile)).nonce());
    }

    @Test
    void aStoppedMintGoesOnFromItsSavedProgress() throws IOException {
        Path keyFile = dir.resolve("identity.key");
        FileNodeIdentity weak = FileNodeIdentity.minted(hasher, config(0, keyFile));
        long firstValid = findNonceWithAtLeastBits(weak.publicKey(), 8, 0);
        Files.writeString(NonceMint.progressFile(keyFile), weak.nodeId().hex() + " " + (firstValid + 1) + "\n");

        FileNodeIdentity strong = FileNodeIdentity.minted(hasher, config(8, keyFile));

        assertTrue(strong.nonce() > firstValid, "went on after the saved nonce, found " + strong.nonce());
        assertEquals(findNonceWithAtLeastBits(weak.publicKey(), 8, firstValid + 1), strong.nonce());
    }

    @Test
    void badDifficultyIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileNodeIdentity.minted(hasher, config(41, dir.resolve("k"))));
        assertTrue(e.getMessage().contains("powDifficulty"), e.getMessage());
    }

    @Test
    void verifierAcceptsProvenIdsAndRefusesOthers() {
        FileNodeIdentity identity = FileNodeIdentity.minted(hasher, config(8, dir.resolve("identity.key")));
        PowIdentityVerifier verifier = new PowIdentityVerifier(hasher, config(8, dir.resolve("unused")));
        byte[] key = identity.publicKey();

        assertTrue(verifier.verifyPow(identity.nodeId(), key, identity.nonce()));
        long lazy = findNonceWithExactBits(key, 3);
        assertFalse(verifier.verifyPow(identity.nodeId(), key, lazy), "a nonce with too little work");
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertFalse(verifier.verifyPow(identity.nodeId(), otherKey, identity.nonce()), "wrong key");

        assertFalse(verifier.verifyPow(ProofOfWork.nodeIdOf(hasher, otherKey), key, identity.nonce()),
                "another key's NodeId");
    }

    @Test
    void signaturesVerifyOnlyForTheSignedMessageAndKey() throws NoSuchAlgorithmException {
        FileNodeIdentity identity = FileNodeIdentity.minted(hasher, config(8, dir.resolve("identity.key")));
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
            if (ProofOfWork.powBits(hasher, key, nonce) == bits) {
                return nonce;
            }
        }
    }

    private long findNonceWithAtLeastBits(byte[] key, int bits, long from) {
        for (long nonce = from; ; nonce++) {
            if (ProofOfWork.powBits(hasher, key, nonce) >= bits) {
                return nonce;
            }
        }
    }
}
