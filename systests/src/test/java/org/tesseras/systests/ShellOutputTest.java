package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** The parsing of shell output, on text the node's commands printed. */
class ShellOutputTest {
    private static final String HASH = "2818ca589c07ab1a2b1ff50a02b05199f8847a0cdb046b0a1e61ea8aabb59530";

    @Test
    void readsTheNodeIdAndTransportAddressOfTesserasNode() {
        String node = """
                Property          | Value
                ------------------+-------------------------------------------
                NodeId            | 001b47f177718b38c4f2fe72a11d31d9234d83fb
                Public key        | 74922be5159cec98d01b1377e3dbada48372c237f7c162cda66ea4ae1d3210c0
                Proof-of-work     | 11 leading zero bits (required 8, nonce 507)
                Peers reach it at | 127.0.0.1:45741
                Data directory    | /tmp/n3/data/tesseras
                Version           | 0.1.0.202612060713
                """;
        assertEquals(Optional.of("001b47f177718b38c4f2fe72a11d31d9234d83fb"), ShellOutput.nodeId(node));
        assertEquals(Optional.of("127.0.0.1:45741"), ShellOutput.transportAddress(node));
        assertEquals(Optional.empty(), ShellOutput.transportAddress(node.replace("127.0.0.1:45741",
                "nowhere: no Transport service is running; tesseras:doctor and bundle:list show what is down,"
                        + " karaf.log why")));
    }

    @Test
    void listsThePeersOfTheRoutingTable() {
        String peers = """
                NodeId                                   | Address         | Last seen | Bucket
                -----------------------------------------+-----------------+-----------+-------
                002909a527721b8b2e928e2f39d750b2b867dba1 | 127.0.0.1:45733 |      2 s  |    153
                007ceaddc3c7c2ce5e4b07f3d909ed8003e62504 | 127.0.0.1:45737 |      1 s  |    154
                2 peers
                """;
        assertEquals(List.of("002909a527721b8b2e928e2f39d750b2b867dba1", "007ceaddc3c7c2ce5e4b07f3d909ed8003e62504"),
                ShellOutput.peerIds(peers));
        assertEquals(List.of(), ShellOutput.peerIds(
                "No peers in the routing table: join a network with tesseras:bootstrap host:port\n"));
    }

    @Test
    void readsWhatAPutReports() {
        String put = """
                Putting /tmp/tessera.bin (6.0 MiB)
                  pushing fragments: 24 of 24 (100 %%)
                Tessera %s
                  put in 5.12 s (1.2 MB/s)
                  MEDIUM 16+8, shards of 384.0 KiB, replication factor 7
                  placed 24 of 24 fragments on 3 peers; survives the loss of 1 of them
                  only 3 suitable peers for a replication factor of 7
                """.formatted(HASH);
        assertEquals(HASH, ShellOutput.tesseraHash(put));
        assertEquals(new ShellOutput.Placement(24, 24, 3), ShellOutput.placement(put));
        assertEquals(Optional.empty(), ShellOutput.incomplete(put));
        assertThrows(AssertionError.class, () -> ShellOutput.tesseraHash("Error executing command: no peer\n"));
    }

    @Test
    void readsAPutThatDidNotPlaceEveryFragment() {
        String line = "INCOMPLETE: 0 of 24 fragments are placed on peers; this node keeps tessera %1$s and the repair"
                + " loop will place the other 24 (tesseras:repair %1$s tries now)";
        ShellResult put = new ShellResult("n1", "tesseras:put /tmp/tessera.bin", 1, """
                Putting /tmp/tessera.bin (6.0 MiB)
                Tessera %s
                  put in 0.81 s (7.8 MB/s)
                  MEDIUM 16+8, shards of 384.0 KiB, replication factor 7
                  placed 0 of 24 fragments on 0 peers; survives the loss of 0 of them
                  no peer to place it on (the DHT knows no other node): join a network with tesseras:bootstrap host:port
                """.formatted(HASH), line.formatted(HASH) + "\n");
        assertFalse(put.succeeded());
        assertFalse(put.serviceNotRunning());
        assertEquals(HASH, ShellOutput.tesseraHash(put.output()));
        assertEquals(new ShellOutput.Placement(0, 24, 0), ShellOutput.placement(put.output()));
        assertEquals(Optional.of(line.formatted(HASH)), ShellOutput.incomplete(put.text()));
    }

    @Test
    void countsWhatVerifyFound() {
        assertEquals(new ShellOutput.VerifyCounts(8, 1, 7, 1, 0), ShellOutput.verifyCounts("""
                Verified 8 fragment(s) of 1 tessera(s): 7 good, 1 corrupt, 0 missing
                Verified 0 whole tessera(s) kept here: 0 good, 0 corrupt
                FAILED: 1 corrupt fragment(s): %s/3; run tesseras:repair to replace them
                """.formatted(HASH)));
    }

    @Test
    void listsTheFragmentIndicesOfOneTessera() {
        String fragments = """
                Tessera                                                          | Index | Kind   | Size (bytes) | Last verified
                -----------------------------------------------------------------+-------+--------+--------------+--------------
                %1$s |     0 | data   |       393216 | never
                %1$s |    21 | parity |       393216 | 2026-12-06T07:22:40Z
                8 fragments, 3145728 bytes
                """.formatted(HASH);
        assertEquals(new TreeSet<>(Set.of(0, 21)), ShellOutput.fragmentIndices(fragments, HASH));
        assertTrue(ShellOutput.fragmentIndices(fragments, HASH.replace('2', '3')).isEmpty());
    }

    @Test
    void stripsTerminalColoursAndRecognisesAnUnknownCommand() {
        ShellResult error = new ShellResult("n1", "tesseras:put /x", 1, "",
                "\u001B[31mError executing command: \u001B[0m\u001B[31;1mno readable file at /x\u001B[0m\n");
        assertEquals("Error executing command: no readable file at /x\n", error.errors());
        assertFalse(error.succeeded());
        assertFalse(error.commandNotFound());
        assertTrue(new ShellResult("n1", "tesseras:node", 1, "", "Command not found: tesseras:node\n")
                .commandNotFound());
    }

    @Test
    void recognisesACommandWhoseServiceIsNotRunningYet() {
        ShellResult early = new ShellResult("n1", "tesseras:verify", 1, "", "\u001B[31mError executing command:"
                + " tesseras:verify cannot answer: no ReplicationService service is running; tesseras:doctor and"
                + " bundle:list show what is down, karaf.log why\u001B[0m\n");
        assertTrue(early.serviceNotRunning());
        assertFalse(early.commandNotFound());
        assertFalse(new ShellResult("n1", "tesseras:get x /y", 1, "", "Error executing command: 'x' is not a tessera"
                + " hash: give its 64 lowercase hex characters (Tab completes the ones held here)\n")
                .serviceNotRunning());
        assertFalse(new ShellResult("n1", "tesseras:node", 0, "Peers reach it at | nowhere: no Transport service is"
                + " running; tesseras:doctor and bundle:list show what is down, karaf.log why\n", "")
                .serviceNotRunning());
    }
}
