package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;

/** The storage root directory and the file-system steps both stores share. */
final class StorageRoot {
    private static final Logger LOG = LoggerFactory.getLogger(StorageRoot.class);

    /** Size of the copy buffer: content is streamed through it, never held whole. */
    static final int BUFFER_BYTES = 64 * 1024;
    /** Suffix of files being written; any left at start-up are remnants of a crash. */
    static final String TEMP_SUFFIX = ".tmp";
    /**
     * The failures of directory syncs already logged as a WARN, by file system (or, where it cannot be told,
     * directory) and error: one that cannot sync directories at all warns once, not once for each tessera's
     * directory, and another error there (a failing disk) warns again.
     */
    private static final Set<Object> WARNED = ConcurrentHashMap.newKeySet();

    private StorageRoot() {
    }

    /** The configured root, or {@code ${karaf.data}/tesseras} when empty. */
    static Path resolve(String configured) {
        String root = configured == null ? "" : configured.strip();
        if (root.isEmpty()) {
            return Path.of(System.getProperty("karaf.data", "data"), "tesseras").toAbsolutePath().normalize();
        }
        if (root.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("org.tesseras.storage.fs rootDirectory must be a path, got '"
                    + configured + "'");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** {@code parent/hash}, refusing anything that would not stay inside {@code parent}. */
    static Path child(Path parent, ContentHash hash) {
        Objects.requireNonNull(hash, "tessera hash");
        Path child = parent.resolve(hash.hex()).normalize();
        if (!child.getParent().equals(parent)) {
            throw new IllegalArgumentException("tessera " + hash + " does not name a directory inside " + parent);
        }
        return child;
    }

    /**
     * Makes a rename or deletion in {@code directory} durable: false when it could not be. A directory that cannot
     * be opened (platforms without directory handles) is logged at DEBUG; a sync that fails (an I/O error, or a
     * file system that cannot sync directories) is a WARN, once per file system and error, since a crash could
     * then undo the change: the start-up check of the disk against the index is what finds that.
     */
    static boolean syncDirectory(Path directory) {
        FileChannel channel;
        try {
            channel = FileChannel.open(directory, StandardOpenOption.READ);
        } catch (IOException e) {
            LOG.debug("Cannot open directory {} to sync it: {}", directory, e.toString());
            return false;
        }
        try (channel) {
            channel.force(true);
            return true;
        } catch (IOException e) {
            if (WARNED.add(List.of(fileSystemOf(directory), String.valueOf(e.getMessage())))) {
                LOG.warn("Could not make changes in {} durable (syncing the directory failed: {}); a crash could undo"
                        + " a rename or deletion there, which the next start's check of the disk would find. Further"
                        + " failures like it on this file system are logged at DEBUG", directory, e.toString());
            } else {
                LOG.debug("Syncing directory {} failed again: {}", directory, e.toString());
            }
            return false;
        }
    }

    /** How many WARNs about failed directory syncs were logged (each file system's first). */
    static int directorySyncWarnings() {
        return WARNED.size();
    }

    /** What a WARN about a failed directory sync is logged once for: the directory's file system, if it can be told. */
    private static Object fileSystemOf(Path directory) {
        try {
            return Files.getFileStore(directory);
        } catch (IOException | SecurityException e) {
            return directory;
        }
    }
}
