package org.tesseras.systests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What NodeProcess does to files, without a node. */
class NodeProcessTest {

    @Test
    void setPropertyReplacesTheLineOfItsKeyOrAddsOne(@TempDir Path directory) throws IOException {
        Path cfg = directory.resolve("org.tesseras.transport.cfg");
        Files.write(cfg, List.of("# Address and port peers connect to", "listenHost = 0.0.0.0", "listenPort=4433",
                "#listenPort = 1", "advertisedHost ="));
        NodeProcess.setProperty(cfg, "listenPort", "32001");
        NodeProcess.setProperty(cfg, "advertisedHost", "127.0.0.1");
        NodeProcess.setProperty(cfg, "chunkBytes", "65536");
        assertEquals(List.of("# Address and port peers connect to", "listenHost = 0.0.0.0", "listenPort = 32001",
                "#listenPort = 1", "advertisedHost = 127.0.0.1", "chunkBytes = 65536"), Files.readAllLines(cfg));
    }

    @Test
    void lastLinesReadsTheEndOfALog(@TempDir Path directory) throws IOException {
        Path log = directory.resolve("karaf.log");
        Files.writeString(log, "first\nsecond\nthird\n");
        assertEquals(List.of("second", "third"), NodeProcess.lastLines(log, 13));
        assertEquals(List.of("first", "second", "third"), NodeProcess.lastLines(log, 1 << 20));
        assertEquals(List.of(), NodeProcess.lastLines(directory.resolve("none.log"), 100));
    }
}
