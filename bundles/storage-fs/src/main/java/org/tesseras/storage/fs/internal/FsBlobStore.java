package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.Hasher;

/**
 * The owner's whole tesseras as files {@code {root}/blobs/{hash}}: streamed to a temporary file while hashed,
 * synced and renamed to their hash, so a blob is either whole under its true name or absent.
 */
public final class FsBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(FsBlobStore.class);

    private final Hasher hasher;
    private final Path blobsDirectory;
    private final Quarantine quarantine;
    /** Held (by hash) while a written blob is put under its name: two writers of one tessera never undo each other. */
    private final Object[] placing = new Object[64];

    /** Opens the store under {@code root}, removing files left half-written by a crash. */
    public FsBlobStore(Hasher hasher, Path root) throws IOException {
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.blobsDirectory = root.toAbsolutePath().normalize().resolve("blobs");
        this.quarantine = new Quarantine(root.toAbsolutePath().normalize(), "blob");
        Arrays.setAll(placing, i -> new Object());
        Files.createDirectories(blobsDirectory);
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(blobsDirectory, "*" + StorageRoot.TEMP_SUFFIX)) {
            for (Path temp : temps) {
                if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(temp);
                    removed++;
                }
            }
        }
        LOG.info("Blob store at {} ({} unfinished file(s) removed)", blobsDirectory, removed);
    }

    /** Where the blobs live. */
    Path blobsDirectory() {
        return blobsDirectory;
    }

    @Override
    public ContentHash write(InputStream content) throws IOException {
        Objects.requireNonNull(content, "content");
        Path temp = Files.createTempFile(blobsDirectory, "blob-", StorageRoot.TEMP_SUFFIX);
        try {
            Hasher.Hashed hashed;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                EarlyWriteback writeback = new EarlyWriteback(channel);
                hashed = hasher.copy(content, writeback.writingTo(channel));
                writeback.finish(true);
            }
            ContentHash tesseraHash = hashed.checksum();
            long sizeBytes = hashed.length();
            Path target = blobPath(tesseraHash);
            synchronized (placing[Math.floorMod(tesseraHash.hashCode(), placing.length)]) {
                if (Files.isRegularFile(target)) {
                    Optional<String> damage = damageOfHeldCopy(tesseraHash);
                    if (damage.isEmpty()) {
                        LOG.debug("Tessera {} already held", tesseraHash);
                        return tesseraHash;
                    }
                    // the copy kept here rotted or cannot be read; the bytes just written hash to the name: they
                    // are renamed over it once its bytes are kept in quarantine, so the name never goes without a
                    // file
                    try {
                        quarantine.keep(target, tesseraHash.hex(), damage.get() + "; replaced by a checked copy of"
                                + " the same tessera written again");
                    } catch (NoSuchFileException gone) {
                        LOG.debug("Tessera {} vanished while it was replaced", tesseraHash);
                    }
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            StorageRoot.syncDirectory(blobsDirectory);
            LOG.info("Stored tessera {} ({} bytes)", tesseraHash, sizeBytes);
            return tesseraHash;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * What is wrong with the held copy, empty when it still hashes to its name. One that cannot be read is damaged
     * too: the copy just written, whose bytes were hashed on their way in, is the one that can be read.
     */
    private Optional<String> damageOfHeldCopy(ContentHash tesseraHash) {
        try {
            FragmentCheck check = verify(tesseraHash);
            return check == FragmentCheck.GOOD ? Optional.empty()
                    : Optional.of(check == FragmentCheck.MISSING ? "it vanished" : "it no longer hashes to its name");
        } catch (IOException e) {
            LOG.warn("The kept copy of {} cannot be read ({}); the copy just written replaces it", tesseraHash,
                    e.toString());
            return Optional.of("it cannot be read (" + (e.getMessage() != null ? e.getMessage() : e) + ")");
        }
    }

    @Override
    public Optional<SeekableByteChannel> read(ContentHash tesseraHash) throws IOException {
        try {
            return Optional.of(Files.newByteChannel(blobPath(tesseraHash), StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean exists(ContentHash tesseraHash) {
        return Files.isRegularFile(blobPath(tesseraHash));
    }

    @Override
    public OptionalLong size(ContentHash tesseraHash) {
        try {
            return OptionalLong.of(Files.size(blobPath(tesseraHash)));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public boolean delete(ContentHash tesseraHash) throws IOException {
        boolean deleted = Files.deleteIfExists(blobPath(tesseraHash));
        if (deleted) {
            StorageRoot.syncDirectory(blobsDirectory);
            LOG.info("Deleted tessera {}", tesseraHash);
        }
        return deleted;
    }

    @Override
    public List<ContentHash> list() {
        List<ContentHash> held = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blobsDirectory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (ContentHash.isValid(name) && Files.isRegularFile(file)) {
                    held.add(ContentHash.of(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the blobs in " + blobsDirectory + ": " + e.getMessage(), e);
        }
        held.sort(null);
        return held;
    }

    @Override
    public FragmentCheck verify(ContentHash tesseraHash) throws IOException {
        Path file = blobPath(tesseraHash);
        ContentHash actual;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            actual = hasher.hash(channel).checksum();
        } catch (NoSuchFileException e) {
            return FragmentCheck.MISSING;
        }
        if (!actual.equals(tesseraHash)) {
            LOG.warn("Tessera {} is CORRUPT: its blob now hashes to {}", tesseraHash, actual);
            return FragmentCheck.CORRUPT;
        }
        return FragmentCheck.GOOD;
    }

    @Override
    public boolean quarantine(ContentHash tesseraHash, String reason) throws IOException {
        Path file = blobPath(tesseraHash);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        quarantine.move(file, tesseraHash.hex(), reason);
        return true;
    }

    @Override
    public List<QuarantinedFile> quarantined() {
        return quarantine.list();
    }

    /** The file of {@code tesseraHash}, always directly inside the blobs directory. */
    Path blobPath(ContentHash tesseraHash) {
        return StorageRoot.child(blobsDirectory, tesseraHash);
    }
}
