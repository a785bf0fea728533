package org.tesseras.crypto.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the shared reference vectors ({@code ../shared/testdata} beside the repository). */
final class TestData {
    private TestData() {
    }

    static Optional<Path> directory() {
        String configured = System.getProperty("tesseras.testdata");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Optional.of(Path.of(configured).normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("testdata");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
