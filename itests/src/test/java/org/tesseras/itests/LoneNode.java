package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.ReplicationService;

/** Tesseras on a node with no peers, and holders that are gone. */
final class LoneNode {
    private LoneNode() {
    }

    /**
     * Puts 5 MiB of random bytes (16 + 8 fragments) on a node without peers: no fragment is placed, the node keeps
     * the tessera (blob and fragments). Returns its hash.
     */
    static ContentHash put(ReplicationService replication, FragmentStore fragments, int seed) throws IOException {
        Path file = Files.createTempFile("tessera", ".bin");
        byte[] bytes = new byte[5 << 20];
        new Random(seed).nextBytes(bytes);
        Files.write(file, bytes);
        PlacementReport report;
        try {
            report = replication.replicate(file, ProgressListener.NONE);
        } finally {
            Files.delete(file);
        }
        assertEquals(report.toString(), 0, report.fragmentsPlaced());
        assertTrue(report.notes().toString(), report.notes().stream().anyMatch(note -> note.contains("no peer")));
        ContentHash hash = report.plan().tesseraHash();
        assertEquals("the node keeps every fragment", 24, fragments.list(hash).size());
        return hash;
    }

    /** A holder of {@code hash} that is gone: nothing listens at its loopback address. */
    static Contact goneHolder(ContentHash hash) {
        byte[] id = new byte[NodeId.LENGTH];
        System.arraycopy(hash.bytes(), 0, id, 0, NodeId.LENGTH);
        return new Contact(new NodeId(id), new InetSocketAddress("127.0.0.1", Integer.parseInt(NodeContainer.freePort())));
    }
}
