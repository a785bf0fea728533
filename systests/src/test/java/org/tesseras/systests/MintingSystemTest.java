package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node killed while it mints its proof-of-work (minutes of one core at the shipped difficulty, so a first start
 * or a raised {@code powDifficulty} that the machine does not survive is to be expected) keeps its key, goes on
 * from the progress it saved instead of from nonce 0, and comes back as the same node.
 */
class MintingSystemTest {
    /** The node saves how far it got every 30 s. */
    private static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(3);
    /**
     * Bits that take long enough for the first progress to be saved and the node killed before a nonce is found:
     * 2^32 tries are about 40 core-minutes here, found within the first 30 s about once in 80 starts; if it is
     * found anyway, the next bits are asked.
     */
    private static final int[] BITS = {32, 34};

    @RegisterExtension
    final NodeNetworkExtension nodes = new NodeNetworkExtension();

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aNodeKilledWhileMintingKeepsItsKeyGoesOnFromItsSavedProgressAndComesBackAsItself() throws Exception {
        NodeProcess node = nodes.start(NodeNetwork.Options.of(1)).node(1);
        String nodeId = node.nodeId();
        Path key = node.files().dataDirectory().resolve("identity.key");
        Path progress = key.resolveSibling("identity.key.mint");
        Path identityConfig = node.home().resolve("etc/org.tesseras.identity.cfg");

        long saved = 0;
        byte[] keyWhileMinting = null;
        for (int bits : BITS) {
            node.stop();
            NodeProcess.setProperty(identityConfig, "powDifficulty", Integer.toString(bits));
            keyWhileMinting = Files.readAllBytes(key);
            node.start();
            OptionalLong nonce = awaitProgress(node, key, keyWhileMinting, progress, nodeId);
            if (nonce.isPresent()) {
                saved = nonce.getAsLong();
                break;
            }
            SystemTestLog.info(node.name() + " found a nonce of " + bits + " bits before saving its progress");
        }
        assertTrue(saved > 0, "no minting progress saved at any of the difficulties tried");
        SystemTestLog.info(node.name() + " saved its minting progress: next nonce " + saved);

        node.kill9();
        assertArrayEquals(keyWhileMinting, Files.readAllBytes(key), "the key file after kill -9 while minting");
        assertEquals(nodeId + " " + saved, Files.readString(progress, StandardCharsets.US_ASCII).strip(),
                "the progress file after kill -9");

        node.start();
        awaitLog(node, "going on from nonce " + saved, PROGRESS_TIMEOUT);
        SystemTestLog.info(node.name() + " went on minting from nonce " + saved + " after the kill");
        // a stop while minting (SIGTERM, as systemd sends): the search ends with the bundle, the key stays as it was
        assertTrue(node.terminate(), node.name() + " did not end on SIGTERM while minting");
        assertTrue(logContains(node, "Minting the node identity stopped with the bundle"),
                "the node says its minting stopped\n" + node.diagnostics(40));
        assertArrayEquals(keyWhileMinting, Files.readAllBytes(key), "the key file after a stop while minting");

        // the same key at the difficulty of the test network: no minting, the node is itself again
        NodeProcess.setProperty(identityConfig, "powDifficulty", "8");
        node.start();
        assertEquals(nodeId, node.awaitReady(), node.name() + " came back as another node");
        node.stop();
    }

    /**
     * The next nonce of the first progress the node saves for {@code nodeId}, or empty if it found a nonce before
     * saving any (the key file then holds the new nonce).
     */
    private static OptionalLong awaitProgress(NodeProcess node, Path key, byte[] keyBefore, Path progress,
            String nodeId) throws IOException {
        long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(node.isAlive(), node.name() + " exited while minting\n" + node.diagnostics(60));
            if (Files.exists(progress)) {
                String[] parts = Files.readString(progress, StandardCharsets.US_ASCII).strip().split("\\s+");
                assertEquals(nodeId, parts[0], "the progress file names the node's own NodeId");
                return OptionalLong.of(Long.parseLong(parts[1]));
            }
            if (!Arrays.equals(keyBefore, Files.readAllBytes(key))) {
                return OptionalLong.empty();
            }
            NodeProcess.sleep(500);
        }
        throw new AssertionError(node.name() + " saved no minting progress within " + PROGRESS_TIMEOUT + "\n"
                + node.diagnostics(60));
    }

    private static void awaitLog(NodeProcess node, String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logContains(node, text)) {
            assertTrue(node.isAlive(), node.name() + " exited\n" + node.diagnostics(60));
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.name() + " did not log '" + text + "' within " + timeout + "\n"
                        + node.diagnostics(60));
            }
            NodeProcess.sleep(500);
        }
    }

    private static boolean logContains(NodeProcess node, String text) throws IOException {
        Path log = node.logFile();
        return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
    }
}
