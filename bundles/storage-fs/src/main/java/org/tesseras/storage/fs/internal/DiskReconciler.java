package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;

/**
 * Brings the index in line with the disk, which is the truth: at activation (after a crash, a lost or
 * restored database) and on demand. For each tessera directory the manifest file is indexed (or written
 * back from the index when only the index has it), every shard file without a row is indexed if the
 * manifest explains it (index, length and checksum) and quarantined if not, and rows whose files are gone
 * are marked lost. Nothing is deleted but the remnants of unfinished writes and deletions, and those only
 * at activation, when no write can be in progress.
 */
final class DiskReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(DiskReconciler.class);
    private static final String DELETING_SHARD = "\\d{3}\\.shard" + ShardFiles.DELETING_SUFFIX.replace(".", "\\.");

    private final ShardFiles files;
    private final FragmentIndex index;
    private final Quarantine quarantine;
    private final Function<ContentHash, Object> lock;
    private final Function<Path, String> relative;

    private int directories;
    private int manifests;
    private int alreadyIndexed;
    private int indexed;
    private int quarantined;
    private int markedLost;
    private final List<String> notes = new ArrayList<>();

    DiskReconciler(ShardFiles files, FragmentIndex index, Quarantine quarantine, Function<ContentHash, Object> lock,
            Function<Path, String> relative) {
        this.files = files;
        this.index = index;
        this.quarantine = quarantine;
        this.lock = lock;
        this.relative = relative;
    }

    /** One pass over the disk; {@code atActivation} also clears the remnants of interrupted writes. */
    ReindexReport run(boolean atActivation) throws IOException {
        Set<String> indexedKeys = index.read("reading the fragment index", FragmentIndex::indexedKeys);
        List<Path> tesseraDirectories = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(files.fragmentsDirectory())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || !ContentHash.isValid(name)) {
                    LOG.warn("Ignoring {}: not a tessera directory", entry);
                    continue;
                }
                tesseraDirectories.add(entry);
            }
        }
        for (Path directory : tesseraDirectories) {
            ContentHash hash = ContentHash.of(directory.getFileName().toString());
            synchronized (lock.apply(hash)) {
                reconcileDirectory(hash, directory, indexedKeys, atActivation);
            }
        }
        reconcileRows();
        if (indexed > 0 || quarantined > 0) {
            LOG.warn("The fragment index was behind the disk: {} fragment(s) indexed from their manifests, {}"
                    + " quarantined", indexed, quarantined);
        }
        return new ReindexReport(directories, manifests, alreadyIndexed, indexed, quarantined, markedLost, notes);
    }

    private void reconcileDirectory(ContentHash hash, Path directory, Set<String> indexedKeys, boolean atActivation)
            throws IOException {
        directories++;
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            listing.forEach(entries::add);
        }
        for (Path file : entries) {
            String name = file.getFileName().toString();
            if (atActivation && name.endsWith(StorageRoot.TEMP_SUFFIX)
                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(file);
                LOG.info("Removed unfinished write {}", file);
            } else if (name.matches(DELETING_SHARD)) {
                finishDeletion(hash, ShardFiles.shardIndex(name.substring(0, name.length()
                        - ShardFiles.DELETING_SUFFIX.length())), file);
            }
        }
        Optional<TesseraManifest> manifest = reconcileManifest(hash);
        manifest.ifPresent(m -> manifests++);
        for (Path file : entries) {
            String name = file.getFileName().toString();
            int at = ShardFiles.shardIndex(name);
            if (at < 0 || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                if (at < 0 && !name.equals(ShardFiles.MANIFEST_FILE) && !name.endsWith(StorageRoot.TEMP_SUFFIX)
                        && !name.matches(DELETING_SHARD) && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    LOG.warn("Ignoring {}: not a fragment file", file);
                }
                continue;
            }
            if (indexedKeys.contains(hash.hex() + "/" + at)) {
                alreadyIndexed++;
                continue;
            }
            adopt(hash, at, file, manifest);
        }
        try {
            Files.deleteIfExists(directory);
        } catch (DirectoryNotEmptyException e) {
            LOG.trace("{} still holds files", directory);
        }
    }

    /**
     * The tessera's manifest, with file and index made to agree: the file wins (it is written first), a
     * manifest only the index has is written back to disk, a damaged file is quarantined.
     */
    private Optional<TesseraManifest> reconcileManifest(ContentHash hash) throws IOException {
        Optional<TesseraManifest> onDisk;
        try {
            onDisk = files.readManifest(hash);
        } catch (ShardFiles.DamagedManifestException e) {
            quarantine.move(files.manifestPath(hash), hash.hex() + "-" + ShardFiles.MANIFEST_FILE, e.getMessage());
            note(e.getMessage() + "; quarantined");
            onDisk = Optional.empty();
        }
        Optional<TesseraManifest> inIndex = index.read("reading the manifest of " + hash,
                c -> FragmentIndex.manifest(c, hash));
        if (onDisk.isEmpty()) {
            if (inIndex.isPresent()) {
                files.writeManifest(inIndex.get());
                note("the manifest of " + hash + " was written back to disk from the index");
            }
            return inIndex;
        }
        TesseraManifest manifest = onDisk.get();
        if (inIndex.isEmpty() || !inIndex.get().equals(manifest)) {
            dropRowsThatDoNotFit(manifest);
            index.inTransaction("indexing the manifest of " + hash, connection -> {
                Optional<FragmentPlan> plan = FragmentIndex.insertPlanIfAbsent(connection, manifest.plan());
                if (plan.isPresent() && !plan.get().equals(manifest.plan())) {
                    FragmentIndex.updatePlan(connection, manifest.plan());
                }
                FragmentIndex.putManifest(connection, manifest);
                return null;
            });
            LOG.info("Indexed the manifest of {} from its file", hash);
        }
        return onDisk;
    }

    /** Rows a newer manifest on disk does not explain: their files go to quarantine. */
    private void dropRowsThatDoNotFit(TesseraManifest manifest) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        for (FragmentIndex.Row row : index.read("listing " + hash, c -> FragmentIndex.rows(c, hash, true))) {
            int at = row.id().index();
            if (!row.fits(manifest)) {
                Path file = files.shardPath(hash, at);
                if (Files.exists(file)) {
                    quarantine.move(file, hash.hex() + "-" + file.getFileName(), "its row does not fit the manifest"
                            + " on disk");
                    quarantined++;
                }
                index.inTransaction("dropping " + row.id(), c -> FragmentIndex.deleteRow(c, hash, at));
            }
        }
    }

    /** Indexes a shard file without a row if the manifest explains it; quarantines it otherwise. */
    private void adopt(ContentHash hash, int at, Path file, Optional<TesseraManifest> manifest) throws IOException {
        String refusal = null;
        FragmentId id = null;
        if (manifest.isEmpty()) {
            refusal = "no manifest explains it";
        } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            refusal = "it is not a regular file";
        } else if (at >= manifest.get().plan().totalShards()) {
            refusal = "the manifest has only " + manifest.get().plan().totalShards() + " shards";
        } else {
            Hasher.Hashed hashed = files.hash(file);
            FragmentPlan plan = manifest.get().plan();
            if (hashed.length() != plan.shardSize()) {
                refusal = "it has " + hashed.length() + " bytes, the manifest's shard size is " + plan.shardSize();
            } else if (!hashed.checksum().equals(manifest.get().checksum(at))) {
                refusal = "its bytes hash to " + hashed.checksum() + ", the manifest gives "
                        + manifest.get().checksum(at);
            } else {
                id = manifest.get().fragmentId(at);
            }
        }
        if (refusal != null) {
            quarantine.move(file, hash.hex() + "-" + file.getFileName(), "found without its row: " + refusal);
            quarantined++;
            return;
        }
        FragmentPlan plan = manifest.get().plan();
        StoredFragment stored = new StoredFragment(id, plan.isParity(at), plan.shardSize(),
                Files.getLastModifiedTime(file).toInstant(), Optional.empty(), Optional.empty());
        index.inTransaction("indexing " + id, connection -> {
            boolean exists = FragmentIndex.row(connection, hash, at).isPresent();
            FragmentIndex.writeRow(connection, stored, relative.apply(file), exists);
            return null;
        });
        indexed++;
        LOG.info("Indexed fragment {} from the disk (its manifest explains it)", id);
    }

    private void finishDeletion(ContentHash hash, int at, Path deletingFile) throws IOException {
        if (at >= 0 && !Files.exists(files.shardPath(hash, at))) {
            index.inTransaction("finishing the deletion of " + hash + "/" + at,
                    c -> FragmentIndex.deleteRow(c, hash, at));
        }
        Files.delete(deletingFile);
        LOG.info("Finished the interrupted deletion of fragment {}/{}", hash, at);
    }

    /** Rows whose files are gone are marked lost; lost rows whose files came back intact are held again. */
    private void reconcileRows() throws IOException {
        for (FragmentIndex.Row row : index.read("reading the fragment index", c -> FragmentIndex.allRows(c, false))) {
            ContentHash hash = row.id().tesseraHash();
            int at = row.id().index();
            Path file = files.shardPath(hash, at);
            boolean present = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
            if (!present && !row.lost()) {
                if (index.inTransaction("marking " + row.id() + " lost",
                        c -> FragmentIndex.markLost(c, hash, at, Instant.now()))) {
                    markedLost++;
                    LOG.warn("Fragment {} is lost: its file is gone; it is listed for repair", row.id());
                }
            } else if (present && row.lost()) {
                Hasher.Hashed hashed = files.hash(file);
                boolean intact = hashed.length() == row.sizeBytes() && hashed.checksum().equals(row.checksum());
                index.inTransaction("recording the check of " + row.id(), c -> {
                    FragmentIndex.recordCheck(c, hash, at, Instant.now(),
                            intact ? Optional.empty() : row.lostAt());
                    return null;
                });
                LOG.info("Lost fragment {} is back: {}", row.id(), intact ? FragmentCheck.GOOD : FragmentCheck.CORRUPT);
            }
        }
    }

    private void note(String note) {
        notes.add(note);
        LOG.warn("{}", note);
    }
}
