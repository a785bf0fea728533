package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of a node while a 64 MiB put runs: after the restart the node has indexed nothing half-written (no
 * temporary file left, every indexed fragment re-hashes to its checksum, every shard file is indexed), and the put
 * completed or said what failed, so that the tessera can be read back whole.
 */
class KillDuringPutSystemTest {
    private static final long SIZE_BYTES = 64L << 20;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(5);
    /** Start-up finishes interrupted puts once the node knows a peer (from 30 s after start) and encodes 64 MiB. */
    private static final Duration SELF_COMPLETION_TIMEOUT = Duration.ofMinutes(5);

    @RegisterExtension
    final NodeNetworkExtension nodes = new NodeNetworkExtension();

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aHolderKilledWhileReceivingIndexesNothingHalfWritten() throws Exception {
        NodeNetwork network = nodes.start(NodeNetwork.Options.of(4));
        NodeProcess owner = network.node(1);
        List<NodeProcess> holders = network.nodes().subList(1, 4);
        Path original = TestData.randomFile(nodes.directory().resolve("tessera.bin"), SIZE_BYTES, 2);

        CompletableFuture<ShellResult> put = owner.runInBackground("tesseras:put " + original, TRANSFER_TIMEOUT);
        NodeProcess victim = firstHalfwayHolder(holders, put);
        victim.kill9();

        ShellResult putResult = awaitCommand(put);
        SystemTestLog.info("the put, with " + victim.name() + " killed during it: " + putResult);
        assertTrue(putResult.exitStatus() != ShellResult.CONNECTION_LOST, "the owner's put ended: " + putResult);
        assertFalse(putResult.text().isBlank(), "the put said how it went");
        List<String> tesseras = owner.files().tesserasWithFragments();
        assertEquals(1, tesseras.size(), "the owner keeps the tessera's fragments: " + tesseras);
        String hash = tesseras.get(0);
        if (putResult.succeeded() || ShellOutput.incomplete(putResult.text()).isPresent()) {
            // it reported the tessera it keeps: exit status 0 only when every fragment found a peer
            assertEquals(hash, ShellOutput.tesseraHash(putResult.output()));
            ShellOutput.Placement placement = ShellOutput.placement(putResult.output());
            assertEquals(putResult.succeeded(), placement.placed() == placement.wanted(), putResult.toString());
        }

        victim.restart();
        assertNothingHalfWritten(victim, hash);
        network.awaitPeers(NodeNetwork.PEERS_TIMEOUT);

        NodeProcess reader = holders.stream().filter(n -> n != victim).findFirst().orElseThrow();
        assertSameBytes(reader, hash, original);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void anOwnerKilledWhileEncodingIndexesNothingHalfWrittenAndFinishesThePutByItself() throws Exception {
        NodeNetwork network = nodes.start(NodeNetwork.Options.of(4));
        NodeProcess owner = network.node(1);
        String ownerId = owner.nodeId();
        Path original = TestData.randomFile(nodes.directory().resolve("tessera.bin"), SIZE_BYTES, 3);

        // killed while it writes its own full set of fragments: their *.tmp files are under fragments/
        CompletableFuture<ShellResult> put = owner.runInBackground("tesseras:put " + original, TRANSFER_TIMEOUT);
        Path fragments = owner.files().dataDirectory().resolve("fragments");
        while (true) {
            List<Path> writing = owner.files().temporaryFiles().stream().filter(file -> file.startsWith(fragments)).toList();
            if (!writing.isEmpty()) {
                SystemTestLog.info(owner.name() + " is writing " + writing.size() + " fragments, e.g. "
                        + writing.get(0));
                break;
            }
            assertFalse(put.isDone(), () -> "the put ended before the owner was seen writing fragments: "
                    + put.getNow(null));
            NodeProcess.sleep(5);
        }
        owner.kill9();
        try {
            SystemTestLog.info("the put on the killed owner: " + awaitCommand(put));
        } catch (ExecutionException e) {
            SystemTestLog.info("the put on the killed owner: " + e.getCause());
        }

        assertEquals(ownerId, owner.restart(), "the owner came back as itself");
        List<String> tesseras = owner.files().tesserasWithFragments();
        SystemTestLog.info("after the restart the owner has fragment directories " + tesseras);
        for (String hash : tesseras) {
            assertNothingHalfWritten(owner, hash);
        }
        assertEquals(List.of(), owner.files().temporaryFiles(), "temporary files on the restarted owner");
        network.awaitPeers(NodeNetwork.PEERS_TIMEOUT);

        // the interrupted put finishes by itself once the owner has rejoined: nobody puts the file again
        List<String> kept = owner.files().keptTesseras();
        assertEquals(1, kept.size(), "the owner kept the file it was putting: " + kept);
        String hash = kept.get(0);
        List<NodeProcess> peers = network.nodes().subList(1, 4);
        long deadline = System.nanoTime() + SELF_COMPLETION_TIMEOUT.toNanos();
        int placed = 0;
        while (placed < 24) {
            placed = 0;
            for (NodeProcess peer : peers) {
                placed += peer.files().shardIndices(hash).size();
            }
            assertTrue(placed >= 24 || System.nanoTime() < deadline, "the interrupted put had placed " + placed
                    + " of 24 fragments " + SELF_COMPLETION_TIMEOUT + " after the restart");
            NodeProcess.sleep(2000);
        }
        SystemTestLog.info("the interrupted put finished by itself: 24 fragments on the peers");
        assertNothingHalfWritten(owner, hash);
        assertSameBytes(network.node(4), hash, original);
    }

    /**
     * Polls the holders until one has stored a fragment and is writing another (has a .shard and a .tmp file) and
     * returns it; fails if the put ends first.
     */
    private static NodeProcess firstHalfwayHolder(List<NodeProcess> holders, CompletableFuture<ShellResult> put)
            throws Exception {
        while (true) {
            for (NodeProcess holder : holders) {
                List<Path> receiving = holder.files().temporaryFiles();
                if (receiving.isEmpty()) {
                    continue;
                }
                String hash = receiving.get(0).getParent().getFileName().toString();
                SortedSet<Integer> stored = holder.files().shardIndices(hash);
                if (!stored.isEmpty()) {
                    SystemTestLog.info(holder.name() + " has stored fragments " + stored + " and is receiving "
                            + receiving.stream().map(Path::getFileName).toList());
                    return holder;
                }
            }
            assertFalse(put.isDone(), () -> "the put ended before a holder was seen halfway through its fragments: "
                    + put.getNow(null));
            NodeProcess.sleep(5);
        }
    }

    /**
     * No temporary file left, every fragment indexed on {@code node} re-hashes to its checksum and has its file,
     * and every shard file of {@code hash} on its disk is indexed.
     */
    static void assertNothingHalfWritten(NodeProcess node, String hash) throws Exception {
        assertEquals(List.of(), node.files().temporaryFiles(), "temporary files on " + node.name());
        String verifyOutput = node.execute("tesseras:verify");
        ShellOutput.VerifyCounts verify = ShellOutput.verifyCounts(verifyOutput);
        SystemTestLog.info(node.name() + ": " + verifyOutput.strip());
        assertEquals(0, verify.corrupt(), "corrupt fragments on " + node.name() + ":\n" + verifyOutput);
        assertEquals(0, verify.missing(), "indexed fragments without a file on " + node.name() + ":\n" + verifyOutput);
        SortedSet<Integer> onDisk = node.files().shardIndices(hash);
        SortedSet<Integer> indexed = ShellOutput.fragmentIndices(node.execute("tesseras:fragments " + hash), hash);
        assertEquals(onDisk, indexed, "shard files of " + hash + " on " + node.name() + " vs. its index");
    }

    static void assertSameBytes(NodeProcess reader, String hash, Path original) throws Exception {
        Path copy = original.resolveSibling("copy-of-" + hash.substring(0, 8) + "-on-" + reader.name() + ".bin");
        String get = reader.execute("tesseras:get " + hash + " " + copy, TRANSFER_TIMEOUT);
        SystemTestLog.info(reader.name() + ": " + get.strip().lines().reduce((a, b) -> b).orElse(""));
        assertEquals(TestData.sha256(original), TestData.sha256(copy), reader.name() + " got other bytes");
    }

    static ShellResult awaitCommand(CompletableFuture<ShellResult> command) throws Exception {
        try {
            return command.get(TRANSFER_TIMEOUT.toMinutes() + 1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            return fail("the command did not end within " + TRANSFER_TIMEOUT.plusMinutes(1));
        }
    }
}
