package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeStatus;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.VerifyReport;
import org.tesseras.api.model.VerifyReport.Fragment;
import org.tesseras.api.port.ProgressListener;

/**
 * {@code ReplicationService.verify} and {@code nodeStatus} on whole nodes in this JVM (Derby, fragment and blob files
 * in a temporary directory): damage done to the files on disk is reported by name, and nothing is repaired.
 */
class LocalVerificationTest {
    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aFlippedBitIsCorruptADeletedShardMissingAndARottedWholeTesseraReported() throws Exception {
        cluster = TestCluster.inMemory(dir, 2, TestNode.Tiers.lowered(1), TestNode.settings());
        TestNode owner = cluster.owner();
        TestNode holder = cluster.nodes.get(1);
        PlacementReport put = owner.replication.replicate(cluster.randomFile("letters.bin", 300_000, 5),
                ProgressListener.NONE);
        assertEquals(24, put.fragmentsPlaced(), put.toString());
        ContentHash hash = put.plan().tesseraHash();

        VerifyReport clean = owner.replication.verify(Optional.empty());
        assertEquals(new VerifyReport(1, 24, List.of(), List.of(), 1, List.of(), List.of()), clean);
        assertTrue(clean.clean());
        VerifyReport held = holder.replication.verify(Optional.empty());
        assertEquals(new VerifyReport(1, 24, List.of(), List.of(), 0, List.of(), List.of()), held,
                "the holder has every fragment and no whole copy");

        owner.flipBitOfShard(hash, 3, 100);
        Files.delete(owner.dir.resolve("fragments").resolve(hash.hex()).resolve("007.shard"));
        Path blob = owner.dir.resolve("blobs").resolve(hash.hex());
        try (RandomAccessFile file = new RandomAccessFile(blob.toFile(), "rw")) {
            file.seek(12_345);
            int b = file.read();
            file.seek(12_345);
            file.write(b ^ 0x80);
        }

        VerifyReport damaged = owner.replication.verify(Optional.empty());
        assertEquals(1, damaged.tesseras());
        assertEquals(22, damaged.goodFragments());
        assertEquals(List.of(new Fragment(hash, 3)), damaged.corruptFragments());
        assertEquals(List.of(new Fragment(hash, 7)), damaged.missingFragments());
        assertEquals(24, damaged.fragments());
        assertEquals(1, damaged.wholeTesseras());
        assertEquals(List.of(hash), damaged.rottedTesseras());
        assertEquals(0, damaged.goodWholeTesseras());
        assertEquals(hash.hex() + "/3", damaged.corruptFragments().get(0).toString());
        assertTrue(!damaged.clean());

        assertEquals(damaged, owner.replication.verify(Optional.of(hash)), "the same for that tessera alone");
        assertEquals(damaged, owner.replication.verify(Optional.of(hash)), "verify repairs nothing");
        assertTrue(owner.fragments.find(hash, 3).isPresent(), "the corrupt fragment is neither dropped nor moved");
        assertTrue(owner.fragments.lostFragments().stream().anyMatch(id -> id.tesseraHash().equals(hash)
                && id.index() == 7), "the missing fragment is known lost, for repair");
        assertEquals(new VerifyReport(1, 24, List.of(), List.of(), 0, List.of(), List.of()),
                holder.replication.verify(Optional.of(hash)), "the holder's own fragments are intact");

        ContentHash unknown = owner.hasher.hash(new byte[] {1, 2, 3});
        assertEquals(new VerifyReport(1, 0, List.of(), List.of(), 0, List.of(), List.of()),
                owner.replication.verify(Optional.of(unknown)), "nothing held of an unknown tessera");
    }

    @Test
    void theNodeStatusCountsQuarantinedFilesAndPutsUnderWayOrCutShort() throws Exception {
        cluster = TestCluster.inMemory(dir, 2, TestNode.Tiers.lowered(1), TestNode.settings());
        TestNode owner = cluster.owner();
        PlacementReport put = owner.replication.replicate(cluster.randomFile("photos.bin", 100_000, 6),
                ProgressListener.NONE);
        ContentHash hash = put.plan().tesseraHash();
        assertEquals(new NodeStatus(0, List.of(), List.of()), owner.replication.nodeStatus(),
                "a put that ended is neither under way nor cut short");

        assertTrue(owner.fragments.quarantine(hash, 0, "test"));
        long running = owner.journal.putStarted("/srv/half.bin", 42);
        NodeStatus during = owner.replication.nodeStatus();
        assertEquals(1, during.quarantinedFiles());
        assertEquals(List.of(running), during.putsUnderWay().stream().map(PutRecord::id).toList());
        assertEquals(List.of(), during.putsCutShort());

        // what the node does after a restart with that put never ended
        owner.replication.startupTasks().resumeInterruptedPuts();
        NodeStatus after = owner.replication.nodeStatus();
        assertEquals(List.of(), after.putsUnderWay());
        assertEquals(List.of(running), after.putsCutShort().stream().map(PutRecord::id).toList());
        assertTrue(after.putsCutShort().get(0).outcome().startsWith("the node stopped while storing /srv/half.bin"),
                after.putsCutShort().get(0).outcome());
        assertEquals(1, after.quarantinedFiles());
    }
}
