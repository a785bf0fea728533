package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.IdentityImportResult;
import org.tesseras.api.port.Hasher;

class FileIdentityTransferTest {
    private static final Instant NOW = Instant.parse("2024-06-11T10:15:30Z");
    private static final String REPLACED = "identity.key.replaced-20240611T101530Z";

    private final Hasher hasher = new Blake3Hasher();
    private final AtomicInteger restarts = new AtomicInteger();
    private final HeldData held = new HeldData();

    @TempDir
    Path dir;

    private Path keyFile(String node) {
        return dir.resolve(node).resolve("identity.key");
    }

    private FileNodeIdentity start(String node, int difficulty) {
        return FileNodeIdentity.minted(hasher, NodeIdentityTest.config(difficulty, keyFile(node)));
    }

    private FileIdentityTransfer transfer(String node, int difficulty) {
        FileIdentityTransfer transfer = new FileIdentityTransfer(hasher,
                NodeIdentityTest.config(difficulty, keyFile(node)), restarts::incrementAndGet,
                Clock.fixed(NOW, ZoneOffset.UTC));
        transfer.fragments = held.fragmentStore();
        transfer.blobs = held.blobStore();
        transfer.ledger = held.ledger();
        return transfer;
    }

    private List<String> files(String node) throws IOException {
        try (Stream<Path> files = Files.list(keyFile(node).getParent())) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void exportedAndImportedTheNodeIsTheSameIdentityWithTheSameSignatures() throws IOException {
        FileNodeIdentity a = start("a", 8);
        String text = transfer("a", 8).exportText();
        FileNodeIdentity b = start("b", 8);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));

        IdentityImportResult result = transfer("b", 8).importText(text);

        assertEquals(Optional.of(b.nodeId()), result.previous());
        assertEquals(a.nodeId(), result.imported());
        assertTrue(result.changed());
        assertEquals(Optional.of(keyFile("b").resolveSibling(REPLACED)), result.keptOldKeyAs());
        assertArrayEquals(keyOfB, Files.readAllBytes(keyFile("b").resolveSibling(REPLACED)), "the old key, kept");
        assertEquals(List.of("identity.key", REPLACED), files("b"), "no temporary file left");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile("b")));
        assertEquals(1, restarts.get(), "the running identity is told to load the new key");

        FileNodeIdentity restarted = start("b", 8);
        assertEquals(a.nodeId(), restarted.nodeId());
        assertArrayEquals(a.publicKey(), restarted.publicKey());
        assertEquals(a.nonce(), restarted.nonce());
        byte[] message = "a manifest to sign".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(a.sign(message), restarted.sign(message), "Ed25519 signatures are deterministic");
        assertTrue(Ed25519.verify(a.publicKey(), message, restarted.sign(message)));
        assertEquals(text, transfer("b", 8).exportText(), "the new node exports the very same text");
    }

    @Test
    void importingTheNodesOwnIdentityAgainChangesNothingEvenWithData() throws IOException {
        start("a", 8);
        String text = transfer("a", 8).exportText();
        byte[] key = Files.readAllBytes(keyFile("a"));
        held.tesseras.add(hasher.hash(new byte[] {1}));
        held.accounts.add(HeldData.account(start("peer", 0).nodeId()));

        IdentityImportResult result = transfer("a", 8).importText(text);

        assertFalse(result.changed());
        assertEquals(result.previous(), Optional.of(result.imported()));
        assertEquals(Optional.empty(), result.keptOldKeyAs());
        assertArrayEquals(key, Files.readAllBytes(keyFile("a")));
        assertEquals(List.of("identity.key"), files("a"));
        assertEquals(0, restarts.get());
    }

    @Test
    void aNodeHoldingATesseraRefusesAnotherIdentityAndKeepsItsKey() throws IOException {
        String text = exportOfANewNode("a");
        FileNodeIdentity b = start("b", 8);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));
        held.tesseras.add(hasher.hash("a tessera".getBytes(StandardCharsets.US_ASCII)));

        IOException refused = assertThrows(IOException.class, () -> transfer("b", 8).importText(text));

        assertTrue(refused.getMessage().contains("node " + b.nodeId() + " already holds data under its own identity"
                + " (1 tessera(s) in the fragment store)"), refused.getMessage());
        assertUntouched("b", keyOfB);
    }

    @Test
    void aWholeCopyOrALedgerAccountIsDataTooAndAllOfItIsNamed() throws IOException {
        String text = exportOfANewNode("a");
        start("b", 8);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));
        held.wholeCopies.add(hasher.hash(new byte[] {2}));
        String message = assertThrows(IOException.class, () -> transfer("b", 8).importText(text)).getMessage();
        assertTrue(message.contains("1 whole tessera(s) in the blob store"), message);

        held.wholeCopies.clear();
        held.accounts.add(HeldData.account(start("peer", 0).nodeId()));
        held.tesseras.add(hasher.hash(new byte[] {3}));
        message = assertThrows(IOException.class, () -> transfer("b", 8).importText(text)).getMessage();
        assertTrue(message.contains("1 tessera(s) in the fragment store, 1 ledger account(s) with peers"), message);
        assertUntouched("b", keyOfB);
    }

    @Test
    void aStoreThatIsNotRunningMeansTheNodeCannotTellAndRefuses() throws IOException {
        String text = exportOfANewNode("a");
        start("b", 8);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));
        for (String missing : List.of("fragment store", "blob store", "reciprocity ledger")) {
            FileIdentityTransfer transfer = transfer("b", 8);
            switch (missing) {
                case "fragment store" -> transfer.fragments = null;
                case "blob store" -> transfer.blobs = null;
                default -> transfer.ledger = null;
            }
            String message = assertThrows(IOException.class, () -> transfer.importText(text)).getMessage();
            assertTrue(message.contains("cannot check") && message.contains("no " + missing), message);
        }
        FileIdentityTransfer withNothing = transfer("b", 8);
        withNothing.fragments = null;
        withNothing.blobs = null;
        withNothing.ledger = null;
        String message = assertThrows(IOException.class, () -> withNothing.importText(text)).getMessage();
        assertTrue(message.contains("no fragment store (bundle tesseras-storage-fs), no blob store"), message);
        assertUntouched("b", keyOfB);
    }

    @Test
    void aKeyWithLessProofOfWorkThanThisNodeAsksForIsRefusedNotReminted() throws IOException {
        FileNodeIdentity a = start("a", 8);
        String text = transfer("a", 8).exportText();
        int bitsOfA = ProofOfWork.powBits(hasher, a.publicKey(), a.nonce());
        int stricter = bitsOfA + 1;
        start("b", stricter);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));

        String message = assertThrows(IOException.class, () -> transfer("b", stricter).importText(text)).getMessage();

        assertTrue(message.contains("shows " + bitsOfA + " bits of proof-of-work, this node asks for " + stricter),
                message);
        assertUntouched("b", keyOfB);
    }

    @Test
    void aKeyFileWithTooLittleProofOfWorkIsStillTheNodesOwnAndIsReplacedAndKept() throws IOException {
        FileNodeIdentity a = start("a", 8);
        String text = transfer("a", 8).exportText();
        var keys = Ed25519.generate();
        byte[] publicKey = Ed25519.rawPublicKey(keys.getPublic());
        long nonce = 0;
        while (ProofOfWork.powBits(hasher, publicKey, nonce) >= 8) {
            nonce++;
        }
        var weak = ProofOfWork.nodeIdOf(hasher, publicKey);
        IdentityKeyFile.create(keyFile("b"), hasher, keys, nonce, weak);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));
        assertEquals(IdentityText.encode(Ed25519.seed(keys.getPrivate()), nonce, weak), transfer("b", 8).exportText(),
                "it is still the node's key, and exported as it is");

        held.tesseras.add(hasher.hash(new byte[] {4}));
        String message = assertThrows(IOException.class, () -> transfer("b", 8).importText(text)).getMessage();
        assertTrue(message.contains("node " + weak + " already holds data"), message);
        assertUntouched("b", keyOfB);

        held.tesseras.clear();
        IdentityImportResult result = transfer("b", 8).importText(text);
        assertEquals(Optional.of(weak), result.previous());
        assertArrayEquals(keyOfB, Files.readAllBytes(result.keptOldKeyAs().orElseThrow()));
        assertEquals(a.nodeId(), start("b", 8).nodeId());
        assertEquals(1, restarts.get());
    }

    @Test
    void aNodeIdLineOfAnotherNodeOrATypoIsRefusedBeforeAnythingIsWritten() throws IOException {
        FileNodeIdentity a = start("a", 8);
        String text = transfer("a", 8).exportText();
        FileNodeIdentity b = start("b", 8);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));

        String wrongLine = text.replace(a.nodeId().hex(), b.nodeId().hex());
        String message = assertThrows(IllegalArgumentException.class, () -> transfer("b", 8).importText(wrongLine))
                .getMessage();
        assertTrue(message.contains("is the key of node " + a.nodeId() + ", not of node " + b.nodeId()), message);

        String[] lines = text.split("\n");
        char first = lines[2].charAt(0);
        lines[2] = (first == 'X' ? 'Y' : 'X') + lines[2].substring(1);
        String typo = String.join("\n", lines);
        message = assertThrows(IllegalArgumentException.class, () -> transfer("b", 8).importText(typo)).getMessage();
        assertTrue(message.contains("character 1 of group 7 looks mistyped"), message);
        assertUntouched("b", keyOfB);
    }

    @Test
    void aNodeWithoutAKeyFileOrWithADamagedOneTakesTheImportedKey() throws IOException {
        FileNodeIdentity a = start("a", 8);
        String text = transfer("a", 8).exportText();

        IdentityImportResult fresh = transfer("fresh", 8).importText(text);
        assertEquals(Optional.empty(), fresh.previous());
        assertEquals(Optional.empty(), fresh.keptOldKeyAs());
        assertEquals(a.nodeId(), start("fresh", 8).nodeId());

        Files.createDirectories(keyFile("damaged").getParent());
        Files.writeString(keyFile("damaged"), "format=tesseras-identity-2\nprivateKey=00\n");
        IdentityImportResult repaired = transfer("damaged", 8).importText(text);
        assertEquals(Optional.empty(), repaired.previous());
        assertEquals("format=tesseras-identity-2\nprivateKey=00\n",
                Files.readString(repaired.keptOldKeyAs().orElseThrow()));
        assertEquals(a.nodeId(), start("damaged", 8).nodeId());
        assertEquals(2, restarts.get());
    }

    @Test
    void twoImportsInOneSecondKeepBothOldKeys() throws IOException {
        String textOfA = exportOfANewNode("a");
        String textOfC = exportOfANewNode("c");
        FileNodeIdentity b = start("b", 8);
        byte[] keyOfB = Files.readAllBytes(keyFile("b"));

        transfer("b", 8).importText(textOfA);
        byte[] keyOfA = Files.readAllBytes(keyFile("b"));
        IdentityImportResult second = transfer("b", 8).importText(textOfC);

        assertEquals(List.of("identity.key", REPLACED, REPLACED + "-2"), files("b"));
        assertArrayEquals(keyOfB, Files.readAllBytes(keyFile("b").resolveSibling(REPLACED)));
        assertArrayEquals(keyOfA, Files.readAllBytes(keyFile("b").resolveSibling(REPLACED + "-2")));
        assertEquals(Optional.of(keyFile("b").resolveSibling(REPLACED + "-2")), second.keptOldKeyAs());
        assertTrue(IdentityKeyFile.read(keyFile("b").resolveSibling(REPLACED), hasher).nodeId().equals(b.nodeId()));
    }

    private String exportOfANewNode(String node) throws IOException {
        start(node, 8);
        return transfer(node, 8).exportText();
    }

    private void assertUntouched(String node, byte[] key) throws IOException {
        assertArrayEquals(key, Files.readAllBytes(keyFile(node)), "the key file is unchanged");
        assertEquals(List.of("identity.key"), files(node), "nothing was kept or left behind");
        assertEquals(0, restarts.get(), "the running identity was left alone");
    }
}
