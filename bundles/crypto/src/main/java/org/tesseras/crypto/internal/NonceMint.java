package org.tesseras.crypto.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;

/**
 * Makes a key file hold a key whose nonce shows the required proof-of-work: a new key when there is none, else a
 * new nonce for the key kept (a file of format 1, or a nonce below a raised difficulty). The key itself is never
 * replaced, so the NodeId stays. The search says how far it got every 30 s and writes that to
 * {@code <key file>.mint}, so a node stopped while minting goes on where it was at its next start.
 */
final class NonceMint {
    private static final Logger LOG = LoggerFactory.getLogger(NonceMint.class);
    private static final long REPORT_EVERY_NANOS = 30_000_000_000L;

    private NonceMint() {
    }

    /** Whether the key file exists and needs no minting at {@code difficulty}; a damaged file throws. */
    static boolean isReady(Path keyFile, Hasher hasher, int difficulty) throws IOException {
        if (!Files.exists(keyFile)) {
            return false;
        }
        IdentityKeyFile.Contents contents = IdentityKeyFile.read(keyFile, hasher);
        return !contents.legacy() && ProofOfWork.powBits(hasher, contents.publicKey(), contents.nonce()) >= difficulty;
    }

    /** The key file's contents once its nonce meets {@code difficulty}, minting first where needed. */
    static IdentityKeyFile.Contents ensure(Path keyFile, Hasher hasher, int difficulty)
            throws IOException, InterruptedException {
        return ensure(keyFile, hasher, difficulty, () -> {
        });
    }

    /** What runs between finding a nonce and writing it; tests import a key there, as an operator may. */
    interface BeforeWriting {
        void run() throws IOException;
    }

    /**
     * {@link #ensure(Path, Hasher, int)}, running {@code beforeWriting} once a nonce is found: a key file replaced
     * meanwhile (an import) is kept and the nonce found for the old key dropped.
     */
    static IdentityKeyFile.Contents ensure(Path keyFile, Hasher hasher, int difficulty, BeforeWriting beforeWriting)
            throws IOException, InterruptedException {
        if (!Files.exists(keyFile)) {
            KeyPair keys = Ed25519.generate();
            NodeId id = ProofOfWork.nodeIdOf(hasher, Ed25519.rawPublicKey(keys.getPublic()));
            IdentityKeyFile.create(keyFile, hasher, keys, 0, id);
            LOG.info("Created the key of node {} in {}", id, keyFile);
        }
        IdentityKeyFile.Contents contents = IdentityKeyFile.read(keyFile, hasher);
        int bits = ProofOfWork.powBits(hasher, contents.publicKey(), contents.nonce());
        if (!contents.legacy() && bits >= difficulty) {
            return contents;
        }
        Path progressFile = progressFile(keyFile);
        long first = resumeFrom(progressFile, contents.nodeId());
        if (contents.legacy()) {
            LOG.warn("Identity key file {} is of the format before one key made one NodeId: the key stays, its NodeId"
                    + " becomes {} and it needs a new nonce; the old file is kept as {}", keyFile, contents.nodeId(),
                    legacyCopy(keyFile));
        }
        double expectedTries = Math.pow(2, difficulty);
        LOG.info("Minting the proof-of-work of node {}: {} bits, about {} nonces to try{}; the node starts its"
                + " transport, DHT and replication once it has its identity", contents.nodeId(), difficulty,
                String.format("%.3g", expectedTries), first > 0 ? ", going on from nonce " + first : "");
        long start = System.nanoTime();
        long[] lastReport = {start};
        long nonce = ProofOfWork.findNonce(contents.publicKey(), difficulty, first, (next, tried) -> {
            long now = System.nanoTime();
            if (now - lastReport[0] < REPORT_EVERY_NANOS) {
                return;
            }
            lastReport[0] = now;
            double seconds = (now - start) / 1e9;
            LOG.info("Minting the proof-of-work of node {}: {} nonces tried in {} s ({} per second), about {} expected",
                    contents.nodeId(), next, Math.round(seconds), Math.round(tried / seconds),
                    String.format("%.3g", expectedTries));
            saveProgress(progressFile, contents.nodeId(), next);
        });
        beforeWriting.run();
        synchronized (IdentityKeyFile.class) {
            IdentityKeyFile.Contents now = IdentityKeyFile.read(keyFile, hasher);
            if (!java.util.Arrays.equals(now.publicKey(), contents.publicKey()) || now.nonce() != contents.nonce()) {
                Files.deleteIfExists(progressFile);
                LOG.info("The key file {} was replaced while minting (an imported key, node {}); it is kept, the"
                        + " minting of node {} given up", keyFile, now.nodeId(), contents.nodeId());
                return now;
            }
            IdentityKeyFile.rewrite(keyFile, hasher, contents, nonce, contents.legacy() ? legacyCopy(keyFile) : null);
        }
        Files.deleteIfExists(progressFile);
        LOG.info("Node {} has its proof-of-work: nonce {} shows {} bits, found in {} s", contents.nodeId(), nonce,
                ProofOfWork.powBits(hasher, contents.publicKey(), nonce), (System.nanoTime() - start) / 1_000_000_000);
        return IdentityKeyFile.read(keyFile, hasher);
    }

    static Path legacyCopy(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".v1");
    }

    static Path progressFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".mint");
    }

    private static long resumeFrom(Path progressFile, NodeId id) {
        try {
            if (Files.exists(progressFile)) {
                String[] parts = Files.readString(progressFile, StandardCharsets.US_ASCII).trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(id.hex())) {
                    return Math.max(0, Long.parseLong(parts[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.info("Ignoring the minting progress in {}: {}", progressFile, e.toString());
        }
        return 0;
    }

    private static void saveProgress(Path progressFile, NodeId id, long nextNonce) {
        try {
            Path temp = progressFile.resolveSibling(progressFile.getFileName() + ".tmp");
            Files.writeString(temp, id.hex() + " " + nextNonce + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, progressFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("Cannot save the minting progress to {}: {}", progressFile, e.toString());
        }
    }
}
