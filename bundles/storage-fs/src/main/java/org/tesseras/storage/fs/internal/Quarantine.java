package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.QuarantinedFile;

/**
 * Where the stores put files they will not use but must not delete: {@code {root}/quarantine/}. Each file
 * is renamed to {@code {epochMillis}-{kind}-{what}} and its reason kept in a {@code .why} file beside it;
 * nothing in here is ever read again by the node or removed by it. Each move is logged once, at WARN.
 */
final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final String REASON_SUFFIX = ".why";

    private final Path directory;
    private final String kind;

    /** A quarantine under {@code root} for files of one {@code kind} ({@code fragment}, {@code blob}). */
    Quarantine(Path root, String kind) throws IOException {
        this.directory = root.resolve("quarantine");
        this.kind = kind;
        Files.createDirectories(directory);
    }

    Path directory() {
        return directory;
    }

    /**
     * Moves {@code file} (named by {@code what} in the quarantine, e.g. {@code hash-005.shard}) out of the
     * store; returns where it went.
     */
    Path move(Path file, String what, String reason) throws IOException {
        Path target = newEntry(what, reason);
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(file, target);
        }
        StorageRoot.syncDirectory(directory);
        StorageRoot.syncDirectory(file.getParent());
        LOG.warn("Quarantined {} as {}: {}. It is kept, not deleted; the node no longer uses it.", file, target,
                reason);
        return target;
    }

    /**
     * Keeps the bytes of {@code file} in quarantine while the file stays where it is (a hard link, or a copy where
     * links are not possible), so that a checked copy can then be renamed over it with no moment without a file
     * under its name; returns where they went. Throws {@link java.nio.file.NoSuchFileException} when the file is
     * gone.
     */
    Path keep(Path file, String what, String reason) throws IOException {
        Path target = newEntry(what, reason);
        try {
            try {
                Files.createLink(target, file);
            } catch (UnsupportedOperationException | IOException e) {
                if (!Files.exists(file)) {
                    throw e;
                }
                Files.copy(file, target);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + REASON_SUFFIX));
            throw e;
        }
        StorageRoot.syncDirectory(directory);
        LOG.warn("Quarantined {} as {}: {}. It is kept, not deleted; the node no longer uses it.", file, target,
                reason);
        return target;
    }

    /** A free name in the quarantine for {@code what}, its reason written beside it. */
    private Path newEntry(String what, String reason) throws IOException {
        String name = System.currentTimeMillis() + "-" + kind + "-" + what.replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = directory.resolve(name);
        for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = directory.resolve(name + "." + n);
        }
        Files.writeString(target.resolveSibling(target.getFileName() + REASON_SUFFIX), reason + "\n",
                StandardCharsets.UTF_8);
        return target;
    }

    /** The files of this kind in quarantine, oldest first. */
    List<QuarantinedFile> list() {
        List<QuarantinedFile> files = new ArrayList<>();
        String marker = "-" + kind + "-";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dash = name.indexOf('-');
                if (name.endsWith(REASON_SUFFIX) || dash < 1 || !name.startsWith(marker, dash)
                        || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Instant at;
                try {
                    at = Instant.ofEpochMilli(Long.parseLong(name.substring(0, dash)));
                } catch (NumberFormatException e) {
                    continue;
                }
                Path why = entry.resolveSibling(name + REASON_SUFFIX);
                String reason = Files.exists(why) ? Files.readString(why, StandardCharsets.UTF_8).strip() : "";
                files.add(new QuarantinedFile(name, Files.size(entry), at, reason));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the quarantine " + directory + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(QuarantinedFile::quarantinedAt).thenComparing(QuarantinedFile::name));
        return files;
    }
}
