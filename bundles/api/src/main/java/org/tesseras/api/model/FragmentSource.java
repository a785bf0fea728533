package org.tesseras.api.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a fragment's bytes come from: each {@link #open()} starts a fresh stream over them. */
@FunctionalInterface
public interface FragmentSource {
    /** A new stream over the fragment bytes; the caller closes it. */
    InputStream open() throws IOException;

    /** Bytes held in memory (small fragments and tests). */
    static FragmentSource ofBytes(byte[] bytes) {
        byte[] copy = bytes.clone();
        return () -> new ByteArrayInputStream(copy);
    }

    /** A file on disk, read afresh each time. */
    static FragmentSource ofFile(Path file) {
        return () -> Files.newInputStream(file);
    }
}
