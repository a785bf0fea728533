package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Four distribution nodes as separate processes: a tessera put on node 1 survives the kill -9 of a node holding
 * fragments of it, and the killed node comes back from its data directory as itself with intact fragments.
 */
class NodeProcessSystemTest {
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(5);

    @RegisterExtension
    final NodeNetworkExtension nodes = new NodeNetworkExtension();

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aKilledHolderIsNotNeededForAGetAndComesBackAsItself() throws Exception {
        NodeNetwork network = nodes.start(NodeNetwork.Options.of(4));
        NodeProcess owner = network.node(1);

        // 6 MiB: the medium tier, 16 data + 8 parity fragments over the three peers
        Path original = TestData.randomFile(nodes.directory().resolve("tessera.bin"), 6L << 20, 1);
        String put = owner.execute("tesseras:put " + original, TRANSFER_TIMEOUT);
        String hash = ShellOutput.tesseraHash(put);
        assertTrue(put.contains("MEDIUM 16+8"), "a 6 MiB tessera is medium, 16+8:\n" + put);
        ShellOutput.Placement placement = ShellOutput.placement(put);
        assertEquals(24, placement.placed(), "every fragment placed:\n" + put);
        assertEquals(3, placement.peers(), "on the three other nodes:\n" + put);
        SystemTestLog.info("put " + hash + ": " + placement);

        NodeProcess victim = null;
        for (NodeProcess node : network.nodes().subList(1, 4)) {
            SortedSet<Integer> held = node.files().shardIndices(hash);
            SystemTestLog.info(node.name() + " holds fragments " + held);
            if (victim == null && !held.isEmpty()) {
                victim = node;
            }
        }
        assertTrue(victim != null, "a node other than the owner holds fragments of " + hash);
        SortedSet<Integer> victimHeld = victim.files().shardIndices(hash);
        String victimId = victim.nodeId();
        long victimPid = victim.pid();

        victim.kill9();
        assertFalse(victim.isAlive());
        assertFalse(ProcessHandle.of(victimPid).map(ProcessHandle::isAlive).orElse(false),
                "pid " + victimPid + " is gone");

        NodeProcess reader = network.nodes().stream().filter(n -> n != owner && n.isAlive()).findFirst().orElseThrow();
        Path copy = nodes.directory().resolve("copy-on-" + reader.name() + ".bin");
        String get = reader.execute("tesseras:get " + hash + " " + copy, TRANSFER_TIMEOUT);
        SystemTestLog.info(reader.name() + ": " + get.strip().lines().reduce((first, last) -> last).orElse(""));
        assertEquals(TestData.sha256(original), TestData.sha256(copy),
                reader.name() + " got other bytes than were put");

        String restartedId = victim.restart();
        assertEquals(victimId, restartedId, victim.name() + " came back as another node");
        assertNotEquals(victimPid, victim.pid());
        network.awaitPeers(NodeNetwork.PEERS_TIMEOUT);
        ShellOutput.VerifyCounts verify = ShellOutput.verifyCounts(victim.execute("tesseras:verify " + hash));
        assertEquals(0, verify.corrupt(), "corrupt fragments on the restarted " + victim.name() + ": " + verify);
        assertEquals(0, verify.missing(), "missing fragments on the restarted " + victim.name() + ": " + verify);
        assertEquals(victimHeld.size(), verify.good(), "good fragments after the restart: " + verify);
        assertEquals(victimHeld, victim.files().shardIndices(hash), "shard files after the restart");
        assertEquals(List.of(), victim.files().temporaryFiles(), "temporary files after the restart");

        victim.stop();
        assertEquals(OptionalInt.of(0), victim.exitStatus(), "system:shutdown -f ended " + victim.name() + " by itself");
    }
}
