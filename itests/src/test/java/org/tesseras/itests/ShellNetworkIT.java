package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.FragmentStore;

/**
 * The {@code tesseras} commands that need a network, typed on the node under test with a second node running as a
 * process of its own on 127.0.0.1: bootstrap joins it, peers lists it, put places every fragment on it, the ledger
 * shows the bytes it stores for us, health has it prove them, get brings the tessera back from it alone, and repair
 * restores this node's fragments from it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellNetworkIT {

    @Inject
    SessionFactory sessionFactory;

    @Inject
    DhtPort dht;

    @Inject
    FragmentStore fragments;

    @Inject
    BlobStore blobs;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void bootstrapPeersPutLedgerHealthGetAndRepairWithAPeer() throws Exception {
        String alone = ShellRun.succeeds(sessionFactory, "tesseras:peers");
        assertTrue(alone, alone.contains("No peers in the routing table"));
        try (PeerProcess peer = PeerProcess.start("shell-peer")) {
            String seed = "127.0.0.1:" + peer.transportAddress().getPort();
            String joined = bootstrap(peer, seed);
            assertTrue(joined, joined.contains("Joined through " + seed + ": 1 peer in the routing table"));

            List<RoutingEntry> table = dht.routingTable();
            assertEquals(table.toString(), 1, table.size());
            String peerId = table.get(0).node().id().hex();
            String nodeId = dht.localNode().id().toString();
            String peers = ShellRun.succeeds(sessionFactory, "tesseras:peers");
            String peerRow = ShellRun.row(peers, peerId);
            assertTrue(peerRow, peerRow.contains(seed));
            assertTrue(peers, peers.contains("\n1 peer"));

            byte[] bytes = new byte[5 << 20];
            new Random(51).nextBytes(bytes);
            Path file = Files.createTempFile("tessera", ".bin");
            Files.write(file, bytes);
            String put = ShellRun.succeeds(sessionFactory, "tesseras:put " + file);
            ContentHash hash = ShellRun.tesseraHash(put);
            assertTrue(put, put.contains("placed 24 of 24 fragments on 1 peers"));
            assertFalse(put, put.contains("INCOMPLETE"));
            FragmentPlan plan = fragments.plan(hash).orElseThrow();

            String ledger = ShellRun.succeeds(sessionFactory, "tesseras:ledger");
            String account = ShellRun.row(ledger, peerId);
            long storedForUs = 24 * plan.shardSize();
            assertTrue(ledger, account.matches(peerId + "\\s*\\|\\s*0\\s*\\|\\s*" + storedForUs + "\\s*\\|\\s*"
                    + storedForUs + "\\s*\\|.*"));
            String top = ShellRun.succeeds(sessionFactory, "tesseras:ledger --top 1");
            assertTrue(top, top.contains(peerId));

            String health = ShellRun.succeeds(sessionFactory, "tesseras:health " + hash.hex());
            assertTrue(health, health.contains("Tessera " + hash.hex() + ": healthy"));
            assertTrue(health, ShellRun.row(health, peerId).contains("VERIFIED"));
            String status = ShellRun.succeeds(sessionFactory, "tesseras:status " + hash.hex());
            assertTrue(status, ShellRun.row(status, hash.hex()).matches(".*\\|\\s*yes\\s*\\|\\s*1\\s*\\|.*healthy.*"));
            assertTrue(status, status.contains("Owner: " + nodeId + ", last heard "));
            assertTrue(status, status.contains("Custodian: none (the owner looks after it)"));

            // this node's own copy and fragments go to quarantine: the bytes can only come from the peer
            blobs.quarantine(hash, "test: the get must come from the peer");
            for (StoredFragment fragment : fragments.list(hash)) {
                fragments.quarantine(hash, fragment.id().index(), "test: the get must come from the peer");
            }
            Path copy = Files.createTempDirectory("get").resolve("copy.bin");
            String get = ShellRun.succeeds(sessionFactory, "tesseras:get " + hash.hex() + " " + copy);
            assertTrue(get, get.matches("(?s).*from \\d+ fragments from 1 peers in .*BLAKE3 checked.*"));
            assertArrayEquals("get wrote, from the peer, the bytes that were put", bytes, Files.readAllBytes(copy));

            String repair = ShellRun.succeeds(sessionFactory, "tesseras:repair " + hash.hex());
            assertTrue(repair, repair.contains("Repaired 1 tessera(s)"));
            assertTrue(repair, repair.contains("local fragments [0, 1, 2"));
            String listed = ShellRun.succeeds(sessionFactory, "tesseras:fragments " + hash.hex());
            assertEquals(listed, new TreeSet<>(IntStream.range(0, 24).boxed().toList()),
                    ShellRun.fragmentIndices(listed, hash));
            String verify = ShellRun.succeeds(sessionFactory, "tesseras:verify " + hash.hex());
            assertTrue(verify, verify.contains("Verified 24 fragment(s) of 1 tessera(s): 24 good, 0 corrupt,"
                    + " 0 missing"));

            // the owner's catalogue names the tessera: recover finds it again (as a fresh node with this key would)
            String recover = ShellRun.succeeds(sessionFactory, "tesseras:recover");
            assertTrue(recover, ShellRun.row(recover, hash.hex()).contains("healthy"));
            assertTrue(recover, recover.contains("Recovered 1 of 1 tessera(s) catalogued by " + nodeId));
            Files.delete(copy);
            Files.delete(file);
        }
    }

    /** Runs {@code tesseras:bootstrap seed} until the peer, still starting, answers; returns what it printed. */
    private String bootstrap(PeerProcess peer, String seed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "";
        while (System.nanoTime() < deadline) {
            ShellRun run = ShellRun.run(sessionFactory, "tesseras:bootstrap --timeout 30 " + seed);
            if (run.failure().isEmpty()) {
                return run.output();
            }
            last = run.oneLineFailure();
            assertTrue(last, last.startsWith("bootstrap through " + seed + " failed: ")
                    && last.endsWith("check that a node listens there, then try again"));
            Thread.sleep(1000);
        }
        throw new AssertionError("the peer did not answer tesseras:bootstrap within 180 s: " + last + "\n"
                + peer.logTail());
    }
}
