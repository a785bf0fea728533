package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13's fault test on six real distribution nodes, each its own process on 127.0.0.1: while a host holds 200
 * silent connections open to them, a 64 MiB put loses two holders to {@code kill -9} mid-transfer, a repair loses a
 * third, and one holder's shard files get flipped bits; after the restarts the tessera ends healthy, another node
 * gets identical bytes, and every node's Derby index and fragment directories pass {@code tesseras:verify}.
 */
class HostileNetworkSystemTest {
    private static final long SIZE_BYTES = 64L << 20;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(5);
    private static final int REPAIR_ROUNDS = 6;

    @RegisterExtension
    final NodeNetworkExtension nodes = new NodeNetworkExtension();

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void aTesseraSurvivesKilledHoldersAFloodAndFlippedBitsAndComesBackWhole() throws Exception {
        NodeNetwork network = nodes.start(NodeNetwork.Options.of(6));
        NodeProcess owner = network.node(1);
        List<NodeProcess> peers = network.nodes().subList(1, 6);
        Path original = TestData.randomFile(nodes.directory().resolve("tessera.bin"), SIZE_BYTES, 13);
        List<String> addresses = network.nodes().stream().map(NodeProcess::transportAddress).toList();

        try (ConnectionFlood flood = ConnectionFlood.start(addresses, 200)) {
            NodeProcess.sleep(3000);
            SystemTestLog.info("flood before the put: " + flood);
            CompletableFuture<ShellResult> put = owner.runInBackground("tesseras:put " + original, TRANSFER_TIMEOUT);
            NodeProcess first = holderReceiving(peers, List.of(), put);
            first.kill9();
            NodeProcess second = holderReceiving(peers, List.of(first), put);
            second.kill9();
            ShellResult putResult = KillDuringPutSystemTest.awaitCommand(put);
            SystemTestLog.info("the put, " + first.name() + " and " + second.name() + " killed during it: " + putResult);
            SystemTestLog.info("flood during the put: " + flood);
            String hash = ShellOutput.tesseraHash(putResult.output());
            // two of five peers gone mid-put: it either placed every fragment on the peers left, or (when they
            // died before holding anything and the others are full) kept the tessera here for the repair loop
            assertTrue(putResult.succeeded() || putResult.output().contains("INCOMPLETE")
                    && putResult.output().contains("this node keeps tessera " + hash),
                    "the put placed the tessera, or kept it for the repair loop: " + putResult);

            first.restart();
            second.restart();
            network.awaitPeers(NodeNetwork.PEERS_TIMEOUT);

            NodeProcess corrupted = holding(peers, hash, List.of());
            SortedSet<Integer> flipped = corrupted.files().shardIndices(hash);
            for (int index : flipped) {
                corrupted.files().flipBitOfShard(hash, index, 1000 + index);
            }
            SystemTestLog.info("flipped a bit in " + corrupted.name() + "'s shards " + flipped);

            CompletableFuture<ShellResult> repair = owner.runInBackground("tesseras:repair " + hash, TRANSFER_TIMEOUT);
            NodeProcess third = holding(peers, hash, List.of(corrupted));
            NodeProcess.sleep(1500);
            third.kill9();
            SystemTestLog.info("the repair, " + third.name() + " killed during it: "
                    + KillDuringPutSystemTest.awaitCommand(repair));
            third.restart();
            network.awaitPeers(NodeNetwork.PEERS_TIMEOUT);

            String health = "";
            for (int round = 1; round <= REPAIR_ROUNDS; round++) {
                corrupted.execute("tesseras:repair " + hash, TRANSFER_TIMEOUT);
                String repaired = owner.execute("tesseras:repair " + hash, TRANSFER_TIMEOUT);
                health = owner.execute("tesseras:health " + hash);
                SystemTestLog.info("repair round " + round + ": " + repaired.strip() + "\n" + health.strip());
                if (health.contains(hash + ": healthy")) {
                    break;
                }
            }
            assertTrue(health.contains(hash + ": healthy"), "healthy after " + REPAIR_ROUNDS + " repairs: " + health);

            NodeProcess reader = peers.stream().filter(n -> n != corrupted && n != third).findFirst().orElseThrow();
            KillDuringPutSystemTest.assertSameBytes(reader, hash, original);
            SystemTestLog.info("flood at the end: " + flood);
            assertTrue(flood.open() > 150, "the flood held its connections: " + flood);
        }
        for (NodeProcess node : network.nodes()) {
            String verify = node.execute("tesseras:verify");
            ShellOutput.VerifyCounts counts = ShellOutput.verifyCounts(verify);
            SystemTestLog.info(node.name() + ": " + verify.strip());
            assertEquals(0, counts.corrupt(), "corrupt fragments on " + node.name() + ":\n" + verify);
            assertEquals(0, counts.missing(), "indexed fragments without a file on " + node.name() + ":\n" + verify);
            assertEquals(List.of(), node.files().temporaryFiles(), "temporary files on " + node.name());
        }
    }

    /** The first of {@code peers} (other than {@code except}) seen writing a fragment; fails if the put ends first. */
    private static NodeProcess holderReceiving(List<NodeProcess> peers, List<NodeProcess> except,
            CompletableFuture<ShellResult> put) throws Exception {
        while (true) {
            for (NodeProcess peer : peers) {
                if (!except.contains(peer) && !peer.files().temporaryFiles().isEmpty()) {
                    SystemTestLog.info(peer.name() + " is receiving " + peer.files().temporaryFiles().stream()
                            .map(Path::getFileName).toList());
                    return peer;
                }
            }
            assertFalse(put.isDone(), () -> "the put ended before another holder was seen receiving: "
                    + put.getNow(null));
            NodeProcess.sleep(5);
        }
    }

    /** A live node of {@code peers} (other than {@code except}) holding shards of {@code hash}. */
    private static NodeProcess holding(List<NodeProcess> peers, String hash, List<NodeProcess> except)
            throws Exception {
        List<NodeProcess> candidates = new ArrayList<>();
        for (NodeProcess peer : peers) {
            if (!except.contains(peer) && peer.isAlive() && !peer.files().shardIndices(hash).isEmpty()) {
                candidates.add(peer);
            }
        }
        assertFalse(candidates.isEmpty(), "no other holder of " + hash);
        return candidates.get(0);
    }
}
