package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether a directory's changes were made durable is known, not assumed. */
class StorageRootTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryOnARealFileSystemIsSynced() {
        assertTrue(StorageRoot.syncDirectory(dir));
    }

    @Test
    void aDirectoryWhoseSyncFailsIsReportedNotTakenAsDurable() {
        // procfs cannot sync a directory: fsync(2) answers EINVAL, as a file system without directory syncs would
        Path proc = Path.of("/proc/self");
        assertTrue(Files.isDirectory(proc), "needs Linux's /proc");
        assertFalse(StorageRoot.syncDirectory(proc));
        assertFalse(StorageRoot.syncDirectory(proc), "and again, logged at DEBUG this time");
    }

    @Test
    void aFileSystemThatCannotSyncDirectoriesIsWarnedAboutOnceNotOnceForEachDirectory() {
        // the set of what was warned about lives as long as the node: one entry per tessera directory would grow
        // without bound on a file system that never syncs directories
        int before = StorageRoot.directorySyncWarnings();
        for (String directory : new String[] {"/proc/self", "/proc/self/fdinfo", "/proc/self/task", "/proc/self/attr"}) {
            assertFalse(StorageRoot.syncDirectory(Path.of(directory)), directory);
        }
        assertTrue(StorageRoot.directorySyncWarnings() - before <= 1,
                "one WARN for procfs at most, got " + (StorageRoot.directorySyncWarnings() - before));
    }

    @Test
    void aDirectoryThatIsNotThereIsNotSynced() {
        assertFalse(StorageRoot.syncDirectory(dir.resolve("gone")));
    }
}
