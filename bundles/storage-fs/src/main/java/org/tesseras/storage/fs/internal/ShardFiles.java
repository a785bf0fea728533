package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;

/**
 * The layout of the fragment files and the file-system steps that keep them whole:
 * {@code fragments/{tesseraHash}/{index:03}.shard} beside {@code fragments/{tesseraHash}/tessera.manifest};
 * every file is written to a temporary name, synced and renamed into place. Paths are built only from
 * validated hashes and indexes and never leave the fragments directory.
 */
final class ShardFiles {
    /** The manifest's file in a tessera directory. */
    static final String MANIFEST_FILE = "tessera.manifest";
    /** Suffix of a shard whose deletion was interrupted. */
    static final String DELETING_SUFFIX = ".deleting";
    private static final Pattern SHARD_FILE = Pattern.compile("(\\d{3})\\.shard");

    private final Path fragmentsDirectory;
    private final Hasher hasher;
    /** The block size of the fragments' file system once looked up, else 0. */
    private volatile long blockSize;

    ShardFiles(Path fragmentsDirectory, Hasher hasher) throws IOException {
        this.fragmentsDirectory = fragmentsDirectory;
        this.hasher = hasher;
        Files.createDirectories(fragmentsDirectory);
    }

    Path fragmentsDirectory() {
        return fragmentsDirectory;
    }

    /**
     * The block size of the file system the fragments are on, looked up at the first call (the JDK reads the mount
     * table for it) and then remembered; a failed look-up is tried again next time.
     */
    long blockSize() throws IOException {
        long known = blockSize;
        if (known == 0) {
            known = Files.getFileStore(fragmentsDirectory).getBlockSize();
            blockSize = known;
        }
        return known;
    }

    /** The directory of one tessera's fragments. */
    Path directory(ContentHash tesseraHash) {
        return StorageRoot.child(fragmentsDirectory, tesseraHash);
    }

    /** The file of fragment {@code index} of {@code tesseraHash}; both are checked before any path is built. */
    Path shardPath(ContentHash tesseraHash, int index) {
        checkIndex(tesseraHash, index);
        Path directory = directory(tesseraHash);
        Path file = directory.resolve(shardName(index)).normalize();
        if (!file.getParent().equals(directory)) {
            throw new IllegalArgumentException("fragment " + tesseraHash + "/" + index
                    + " does not name a file inside " + directory);
        }
        return file;
    }

    Path manifestPath(ContentHash tesseraHash) {
        return directory(tesseraHash).resolve(MANIFEST_FILE);
    }

    /** The index a shard file name stands for, or -1 when it is not one. */
    static int shardIndex(String fileName) {
        Matcher shard = SHARD_FILE.matcher(fileName);
        if (!shard.matches()) {
            return -1;
        }
        int index = Integer.parseInt(shard.group(1));
        return index < FragmentPlan.MAX_TOTAL_SHARDS ? index : -1;
    }

    static String shardName(int index) {
        return String.format(Locale.ROOT, "%03d.shard", index);
    }

    static void checkIndex(ContentHash tesseraHash, int index) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        if (index < 0 || index >= FragmentPlan.MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException("fragment index of " + tesseraHash + " must be 0.."
                    + (FragmentPlan.MAX_TOTAL_SHARDS - 1) + ", got " + index);
        }
    }

    /** A new empty temporary file in the tessera's directory, which is created (and made durable) if needed. */
    Path newTemp(ContentHash tesseraHash, String prefix) throws IOException {
        Path directory = directory(tesseraHash);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory);
            StorageRoot.syncDirectory(fragmentsDirectory);
        }
        return Files.createTempFile(directory, prefix + ".", StorageRoot.TEMP_SUFFIX);
    }

    /** Renames a synced temporary file into place atomically and makes the rename durable. */
    static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        StorageRoot.syncDirectory(target.getParent());
    }

    /**
     * Writes the manifest file: its encoded bytes followed by their BLAKE3, so a file damaged on disk is
     * told apart from a manifest that does not verify.
     */
    void writeManifest(TesseraManifest manifest) throws IOException {
        byte[] encoded = manifest.encode();
        byte[] sealed = Arrays.copyOf(encoded, encoded.length + ContentHash.LENGTH);
        System.arraycopy(hasher.hash(encoded).bytes(), 0, sealed, encoded.length, ContentHash.LENGTH);
        Path temp = newTemp(manifest.tesseraHash(), MANIFEST_FILE);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(sealed);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveIntoPlace(temp, manifestPath(manifest.tesseraHash()));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The manifest kept in a tessera's directory, or empty when there is none; a file that is damaged or is
     * not a manifest of this tessera throws {@link DamagedManifestException}.
     */
    Optional<TesseraManifest> readManifest(ContentHash tesseraHash) throws IOException {
        Path file = manifestPath(tesseraHash);
        byte[] sealed;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            sealed = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (sealed.length <= ContentHash.LENGTH) {
            throw new DamagedManifestException(file, "it has only " + sealed.length + " bytes");
        }
        byte[] encoded = Arrays.copyOf(sealed, sealed.length - ContentHash.LENGTH);
        byte[] seal = Arrays.copyOfRange(sealed, encoded.length, sealed.length);
        if (!Arrays.equals(hasher.hash(encoded).bytes(), seal)) {
            throw new DamagedManifestException(file, "its bytes no longer match their checksum");
        }
        TesseraManifest manifest;
        try {
            manifest = TesseraManifest.decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new DamagedManifestException(file, e.getMessage());
        }
        if (!manifest.tesseraHash().equals(tesseraHash)) {
            throw new DamagedManifestException(file, "it describes " + manifest.tesseraHash());
        }
        return Optional.of(manifest);
    }

    /** The BLAKE3 and length of a file's bytes. */
    Hasher.Hashed hash(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return hasher.hash(channel);
        }
    }

    /** A manifest file that cannot be read as this tessera's manifest. */
    static final class DamagedManifestException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedManifestException(Path file, String why) {
            super("manifest file " + file + " is damaged: " + why);
        }
    }
}
