package org.tesseras.erasure.rs.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/** Finds the shared test vectors: {@code -Dtesseras.testdata}, else a {@code shared/testdata} beside an ancestor. */
final class TestData {
    private TestData() {
    }

    /** The test-data folder; the calling test is reported skipped (not failed) when there is none. */
    static Path folder() {
        Optional<Path> found = locate();
        Assumptions.assumeTrue(found.isPresent(), "shared test vectors not found: neither -Dtesseras.testdata ("
                + System.getProperty("tesseras.testdata") + ") nor a shared/testdata folder above "
                + System.getProperty("user.dir") + " exists");
        return found.get();
    }

    private static Optional<Path> locate() {
        String configured = System.getProperty("tesseras.testdata");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("testdata");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
