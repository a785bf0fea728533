package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Which implementation is chosen: the vector lanes in this test JVM (started with
 * {@code --add-modules jdk.incubator.vector}), the scalar code in a JVM started without it.
 */
class Blake3ImplementationTest {

    @Test
    void theVectorLanesAreChosenWhereTheModuleIsPresent() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the surefire JVM should run with --add-modules jdk.incubator.vector");
        assertTrue(Blake3Implementation.vector(), Blake3Implementation.description());
        assertTrue(Blake3Implementation.newLanes() instanceof Blake3VectorLanes);
    }

    @Test
    void theVectorWidthFollowsTheProperty() {
        String bits = System.getProperty("tesseras.blake3.vectorBits");
        if (bits != null) {
            assertEquals(Integer.parseInt(bits) / 32, Blake3VectorLanes.laneCount());
        } else {
            assertTrue(Blake3VectorLanes.laneCount() >= 8, "lanes: " + Blake3VectorLanes.laneCount());
        }
    }

    @Test
    void aJvmWithoutTheModuleHashesWithTheScalarCode() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not end: " + output);
        assertEquals(0, process.exitValue(), output);
        List<String> lines = output.lines().filter(line -> line.startsWith("probe ")).toList();
        assertEquals(List.of(
                "probe vector false",
                "probe scalar, one chunk at a time (the JVM runs without jdk.incubator.vector; with --add-modules"
                        + " jdk.incubator.vector it hashes several chunks at once)",
                "probe lanes null",
                "probe " + new Blake3Hasher().hash(Blake3HasherTest.pattern(100_000)).hex()), lines, output);
    }

    /** Run in a JVM without the vector module: prints what it chose and a hash, each line starting "probe ". */
    static final class Probe {
        public static void main(String[] args) {
            System.out.println("probe vector " + Blake3Implementation.vector());
            System.out.println("probe " + Blake3Implementation.description());
            System.out.println("probe lanes " + Blake3Implementation.newLanes());
            System.out.println("probe " + new Blake3Hasher().hash(Blake3HasherTest.pattern(100_000)).hex());
        }
    }
}
