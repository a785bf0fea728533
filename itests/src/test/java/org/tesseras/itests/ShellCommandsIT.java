package org.tesseras.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TierSpec;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.TierPolicy;
import org.tesseras.api.port.Transport;

/**
 * Every {@code tesseras} command on a lone node in the distribution, typed as an operator types it: what it prints
 * is what the node did (bytes put come back, a bit flipped on disk is reported and repaired, a shard file the index
 * forgot is indexed again), bad input fails in one line that says what to do, and the commands that do not need
 * the network still answer, naming what is missing, while the transport is down.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT {
    private static final Pattern QUARANTINED = Pattern.compile("^(\\d+) file\\(s\\) in quarantine",
            Pattern.MULTILINE);

    @Inject
    BundleContext bundleContext;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    NodeIdentity identity;

    @Inject
    Transport transport;

    @Inject
    FragmentStore fragments;

    @Inject
    TierPolicy tiers;

    /**
     * Not used directly: injected so that the tests start once the DHT and replication run. On a loaded machine the
     * DHT can wait many seconds for the transport's activation, and a test that ran before saw "no ReplicationService
     * service is running" from tesseras:put.
     */
    @Inject
    DhtPort dht;

    @Inject
    ReplicationService replication;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void tiersNodeAndDoctorDescribeThisNode() throws Exception {
        String tiersOutput = ShellRun.succeeds(sessionFactory, "tesseras:tiers");
        for (TierSpec tier : tiers.tiers()) {
            assertTrue(tiersOutput, tiersOutput.contains(tier.name()));
        }
        assertTrue(tiersOutput, tiersOutput.contains("16+8") && tiersOutput.contains("48+24"));
        assertTrue(tiersOutput, tiersOutput.contains("Largest tessera accepted: 1.0 GiB (" + (1L << 30) + " bytes)"));

        String node = ShellRun.succeeds(sessionFactory, "tesseras:node");
        assertTrue(node, node.contains(identity.nodeId().hex()));
        assertTrue(node, node.contains("127.0.0.1:" + transport.localNode().address().getPort()));
        assertTrue(node, node.contains(identity.keyFile().toAbsolutePath().getParent().toString()));

        String doctor = ShellRun.succeeds(sessionFactory, "tesseras:doctor");
        assertTrue(doctor, doctor.contains("Transport listening") && doctor.contains("Peers in routing table"));
        assertTrue(doctor, doctor.contains("tesseras:bootstrap"));
    }

    @Test
    public void putKeepsATesseraOnALoneNodeSaysItIsIncompleteAndGetWritesTheSameBytes() throws Exception {
        byte[] bytes = randomBytes(5 << 20, 41);
        Path file = write(bytes);
        ShellRun put = ShellRun.run(sessionFactory, "tesseras:put " + file);
        String incomplete = put.oneLineFailure();
        ContentHash hash = ShellRun.tesseraHash(put.output());
        assertTrue(put.output(), put.output().contains("MEDIUM 16+8"));
        assertTrue(put.output(), put.output().contains("placed 0 of 24 fragments on 0 peers"));
        assertTrue(put.output(), put.output().contains("tesseras:bootstrap host:port"));
        assertTrue(incomplete, incomplete.startsWith("INCOMPLETE: 0 of 24 fragments are placed"));
        assertTrue(incomplete, incomplete.contains("keeps tessera " + hash.hex()));
        assertTrue(incomplete, incomplete.contains("repair loop will place the other 24"));
        assertEquals("the node keeps every fragment", 24, fragments.list(hash).size());

        Path copy = file.resolveSibling(file.getFileName() + ".copy");
        String get = ShellRun.succeeds(sessionFactory, "tesseras:get " + hash.hex() + " " + copy);
        assertTrue(get, get.contains("from this node's copy") && get.contains("BLAKE3 checked"));
        assertArrayEquals("get wrote the bytes that were put", bytes, Files.readAllBytes(copy));
        String exists = ShellRun.failsInOneLine(sessionFactory, "tesseras:get " + hash.hex() + " " + copy);
        assertTrue(exists, exists.contains("exists already"));

        String status = ShellRun.succeeds(sessionFactory, "tesseras:status " + hash.hex());
        String row = ShellRun.row(status, hash.hex());
        assertTrue(row, row.contains("5.0 MiB") && row.contains("MEDIUM 16+8") && row.contains("24/24")
                && row.contains("yes"));
        String all = ShellRun.succeeds(sessionFactory, "tesseras:status");
        assertTrue(all, all.contains(hash.hex()));
        assertTrue(all, all.contains("repair round"));

        String listed = ShellRun.succeeds(sessionFactory, "tesseras:fragments " + hash.hex());
        assertEquals(listed, new TreeSet<>(IntStream.range(0, 24).boxed().toList()),
                ShellRun.fragmentIndices(listed, hash));
        long stored = fragments.list(hash).stream().mapToLong(StoredFragment::sizeBytes).sum();
        assertTrue(listed, listed.contains("24 fragments, " + stored + " bytes"));

        String health = ShellRun.succeeds(sessionFactory, "tesseras:health " + hash.hex());
        assertTrue(health, health.contains("Tessera " + hash.hex() + ": needs replication: 24 missing"));
        assertTrue(health, health.contains("no holders of it are known here"));
        Files.delete(copy);
        Files.delete(file);
    }

    @Test
    public void verifyReportsAFlippedBitADeletedShardAndARottedCopyAndRepairMendsThem() throws Exception {
        byte[] bytes = randomBytes(9 << 19, 42);
        Path file = write(bytes);
        ContentHash hash = ShellRun.tesseraHash(ShellRun.run(sessionFactory, "tesseras:put " + file).outputAndFailure());
        String clean = ShellRun.succeeds(sessionFactory, "tesseras:verify " + hash.hex());
        assertTrue(clean, clean.contains("Verified 24 fragment(s) of 1 tessera(s): 24 good, 0 corrupt, 0 missing"));
        assertTrue(clean, clean.contains("Verified 1 whole tessera(s) kept here: 1 good, 0 corrupt"));

        Path data = Path.of(System.getProperty("karaf.data"), "tesseras");
        Path shards = data.resolve("fragments").resolve(hash.hex());
        flipBit(shards.resolve("003.shard"), 1000);
        Files.delete(shards.resolve("007.shard"));
        flipBit(data.resolve("blobs").resolve(hash.hex()), 123_456);

        String damaged = ShellRun.succeeds(sessionFactory, "tesseras:verify " + hash.hex());
        assertTrue(damaged, damaged.contains("Verified 24 fragment(s) of 1 tessera(s): 22 good, 1 corrupt, 1 missing"));
        assertTrue(damaged, damaged.contains("FAILED: 1 corrupt fragment(s): " + hash.hex() + "/3;"));
        assertTrue(damaged, damaged.contains("1 missing fragment(s): " + hash.hex() + "/7;"));
        assertTrue(damaged, damaged.contains("Verified 1 whole tessera(s) kept here: 0 good, 1 corrupt"));
        assertTrue(damaged, damaged.contains("FAILED: 1 whole tessera(s) no longer hash to their name: " + hash.hex()));
        String everything = ShellRun.succeeds(sessionFactory, "tesseras:verify");
        assertTrue(everything, everything.contains(hash.hex() + "/3"));

        String health = ShellRun.succeeds(sessionFactory, "tesseras:health " + hash.hex());
        assertTrue(health, health.contains(": corrupt local fragment 3"));
        int quarantinedBefore = quarantined(ShellRun.succeeds(sessionFactory, "tesseras:status"));

        String repair = ShellRun.succeeds(sessionFactory, "tesseras:repair " + hash.hex());
        assertTrue(repair, ShellRun.row(repair, hash.hex()).contains("corrupt local fragment 3"));
        assertTrue(repair, repair.contains("Repaired 1 tessera(s)"));
        assertTrue(repair, repair.contains("rotted"));

        String mended = ShellRun.succeeds(sessionFactory, "tesseras:verify " + hash.hex());
        assertTrue(mended, mended.contains("Verified 24 fragment(s) of 1 tessera(s): 24 good, 0 corrupt, 0 missing"));
        assertTrue(mended, mended.contains("Verified 1 whole tessera(s) kept here: 1 good, 0 corrupt"));
        Path copy = file.resolveSibling(file.getFileName() + ".mended");
        ShellRun.succeeds(sessionFactory, "tesseras:get " + hash.hex() + " " + copy);
        assertArrayEquals("the repaired tessera gives the bytes that were put", bytes, Files.readAllBytes(copy));
        String status = ShellRun.succeeds(sessionFactory, "tesseras:status");
        assertEquals("the bad fragment and the rotted copy are kept in quarantine:\n" + status, quarantinedBefore + 2,
                quarantined(status));
        assertTrue(status, ShellRun.row(status, hash.hex()).contains("24/24"));
        Files.delete(copy);
        Files.delete(file);
    }

    @Test
    public void reindexIndexesAShardFileTheIndexForgot() throws Exception {
        Path file = write(randomBytes(9 << 19, 43));
        ContentHash hash = ShellRun.tesseraHash(ShellRun.run(sessionFactory, "tesseras:put " + file).outputAndFailure());
        Path shard = Path.of(System.getProperty("karaf.data"), "tesseras", "fragments", hash.hex(), "005.shard");
        Path aside = Files.copy(shard, file.resolveSibling("005.shard.aside"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(fragments.delete(hash, 5));
        Files.move(aside, shard);
        assertFalse(fragments.find(hash, 5).isPresent());

        String reindex = ShellRun.succeeds(sessionFactory, "tesseras:reindex");
        assertTrue(reindex, reindex.matches("(?s)Reindexed in [0-9.]+ s: \\d+ tessera directories, \\d+ manifests;"
                + " \\d+ fragments were indexed already, 1 indexed now, 0 quarantined, 0 marked lost.*"));
        assertTrue("fragment 5 is indexed again", fragments.find(hash, 5).isPresent());
        String again = ShellRun.succeeds(sessionFactory, "tesseras:reindex");
        assertTrue(again, again.contains(" 0 indexed now, 0 quarantined, 0 marked lost"));
        Files.delete(file);
    }

    @Test
    public void ledgerPeersAndBootstrapOnALoneNode() throws Exception {
        String ledger = ShellRun.succeeds(sessionFactory, "tesseras:ledger");
        assertTrue(ledger, ledger.contains("The ledger is empty"));
        String peers = ShellRun.succeeds(sessionFactory, "tesseras:peers");
        assertTrue(peers, peers.contains("No peers in the routing table: join a network with tesseras:bootstrap"));
        String nobody = ShellRun.failsInOneLine(sessionFactory, "tesseras:bootstrap --timeout 20 127.0.0.1:"
                + NodeContainer.freePort());
        assertTrue(nobody, nobody.startsWith("bootstrap through 127.0.0.1:") && nobody.contains(" failed: ")
                && nobody.contains("check that a node listens there"));
    }

    @Test
    public void badInputFailsInOneLineThatSaysWhatToDo() throws Exception {
        String notAHash = "tesseras:%s 1234abcd";
        for (String command : List.of("get", "health", "status", "repair", "verify", "fragments")) {
            String failure = ShellRun.failsInOneLine(sessionFactory, String.format(notAHash, command)
                    + (command.equals("get") ? " /tmp/never-written" : ""));
            assertTrue(command + ": " + failure, failure.contains("'1234abcd' is not a tessera hash: give its 64"
                    + " lowercase hex characters"));
        }
        String noFile = ShellRun.failsInOneLine(sessionFactory, "tesseras:put /nonexistent/album.tar");
        assertTrue(noFile, noFile.contains("no readable file at /nonexistent/album.tar"));
        String seed = ShellRun.failsInOneLine(sessionFactory, "tesseras:bootstrap example.org");
        assertTrue(seed, seed.contains("'example.org' is not host:port") && seed.contains("tesseras:bootstrap"));
        String port = ShellRun.failsInOneLine(sessionFactory, "tesseras:bootstrap 127.0.0.1:70000");
        assertTrue(port, port.contains("port must be 1-65535, got 70000"));
        String top = ShellRun.failsInOneLine(sessionFactory, "tesseras:ledger --top -1");
        assertTrue(top, top.contains("--top must be a positive number of peers"));
        ContentHash unknown = new ContentHash(new byte[32]);
        String unknownGet = ShellRun.failsInOneLine(sessionFactory, "tesseras:get " + unknown.hex() + " "
                + Files.createTempDirectory("get").resolve("never"));
        assertTrue(unknownGet, unknownGet.contains(unknown.hex()));
        String unknownStatus = ShellRun.succeeds(sessionFactory, "tesseras:status " + unknown.hex());
        assertTrue(unknownStatus, unknownStatus.contains("is not known to this node"));
    }

    @Test
    public void withoutTheTransportNodeStatusAndDoctorAnswerAndNameWhatIsMissing() throws Exception {
        Bundle netty = NodeContainer.bundleOf(bundleContext, "org.tesseras.transport.netty");
        netty.stop();
        try {
            waitUntil(() -> bundleContext.getServiceReference(Transport.class) == null, "the Transport to go");
            String node = ShellRun.succeeds(sessionFactory, "tesseras:node");
            assertTrue(node, node.contains(identity.nodeId().hex()));
            assertTrue(node, node.contains("no Transport service is running"));
            String status = ShellRun.succeeds(sessionFactory, "tesseras:status");
            assertTrue(status, status.contains("Not reachable by peers: no Transport service is running"));
            assertTrue(status, status.contains("no DhtPort service is running"));
            String doctor = ShellRun.succeeds(sessionFactory, "tesseras:doctor");
            String transportCheck = doctor.lines().filter(line -> line.startsWith("Transport listening")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Transport listening check in:\n" + doctor));
            assertTrue(doctor, transportCheck.contains("CRITICAL"));
            String peers = ShellRun.failsInOneLine(sessionFactory, "tesseras:peers");
            assertTrue(peers, peers.startsWith("tesseras:peers cannot answer: no DhtPort service is running"));
            String bootstrap = ShellRun.failsInOneLine(sessionFactory, "tesseras:bootstrap 127.0.0.1:7000");
            assertTrue(bootstrap, bootstrap.contains("no DhtPort service is running"));
        } finally {
            netty.start();
        }
        waitUntil(() -> bundleContext.getServiceReference(Transport.class) != null, "the Transport to come back");
        String node = ShellRun.succeeds(sessionFactory, "tesseras:node");
        assertFalse(node, node.contains("no Transport service"));
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Path write(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("tessera", ".bin");
        Files.write(file, bytes);
        return file;
    }

    /** The files in quarantine that {@code tesseras:status} counts (none when it says nothing of them). */
    private static int quarantined(String status) {
        Matcher matcher = QUARANTINED.matcher(status);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static void flipBit(Path file, long position) throws Exception {
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            bytes.seek(position);
            int b = bytes.read();
            assertTrue(file + " has no byte at " + position, b >= 0);
            bytes.seek(position);
            bytes.write(b ^ 0x01);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 60 s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
