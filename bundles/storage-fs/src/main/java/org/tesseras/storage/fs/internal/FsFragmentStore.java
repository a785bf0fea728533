package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ManifestConflictException;

/**
 * Fragments as files {@code {root}/fragments/{tesseraHash}/{index:03}.shard} beside the tessera's signed
 * manifest, indexed in the node database. The files are the truth: a fragment is committed only when the
 * manifest names its checksum, an empty or stale index is rebuilt from the disk at activation, and what no
 * manifest explains is quarantined, never deleted. All changes to one tessera run under its lock.
 */
public final class FsFragmentStore implements FragmentStore {
    private static final Logger LOG = LoggerFactory.getLogger(FsFragmentStore.class);
    private static final int LOCK_STRIPES = 64;

    private final Hasher hasher;
    private final Path root;
    private final ShardFiles files;
    private final FragmentIndex index;
    private final Quarantine quarantine;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final ReindexReport startupReport;
    private final boolean peerFragmentsUncached;

    /** Opens the store under {@code root} and brings its index in line with the disk. */
    public FsFragmentStore(DataSource database, Hasher hasher, Path root) throws IOException {
        this(database, hasher, root, true);
    }

    /**
     * As above; {@code peerFragmentsUncached} writes fragments received from peers around the page cache where the
     * file system allows it (see {@link ShardSink}).
     */
    public FsFragmentStore(DataSource database, Hasher hasher, Path root, boolean peerFragmentsUncached)
            throws IOException {
        this.peerFragmentsUncached = peerFragmentsUncached;
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.root = root.toAbsolutePath().normalize();
        this.files = new ShardFiles(this.root.resolve("fragments"), hasher);
        this.index = new FragmentIndex(Objects.requireNonNull(database, "database"));
        this.quarantine = new Quarantine(this.root, "fragment");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.startupReport = reconciler().run(true);
        LOG.info("Fragment store at {}: {}", files.fragmentsDirectory(), describe(startupReport));
    }

    /** What bringing the index in line with the disk at activation found. */
    ReindexReport startupReport() {
        return startupReport;
    }

    /** Where the fragment files live. */
    Path fragmentsDirectory() {
        return files.fragmentsDirectory();
    }

    // ---- manifests ----

    @Override
    public void saveManifest(TesseraManifest manifest) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        synchronized (lock(hash)) {
            Optional<TesseraManifest> recorded = manifest(hash);
            if (recorded.isPresent()) {
                if (!recorded.get().sameFragmentsAs(manifest)) {
                    throw new ManifestConflictException(recorded.get(), manifest);
                }
                if (!Files.exists(files.manifestPath(hash))) {
                    files.writeManifest(recorded.get());
                }
                return;
            }
            Optional<FragmentPlan> plan = plan(hash);
            if (plan.isPresent() && !plan.get().equals(manifest.plan())) {
                throw differentPlan(plan.get(), manifest.plan());
            }
            files.writeManifest(manifest);
            index.inTransaction("recording the manifest of " + hash, connection -> {
                FragmentIndex.insertPlanIfAbsent(connection, manifest.plan());
                FragmentIndex.putManifest(connection, manifest);
                return null;
            });
            LOG.debug("Recorded the manifest of {} (owner {})", hash, manifest.owner());
        }
    }

    @Override
    public List<StoredFragment> replaceManifest(TesseraManifest manifest, String reason) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        synchronized (lock(hash)) {
            List<StoredFragment> moved = new ArrayList<>();
            for (FragmentIndex.Row row : index.read("listing " + hash, c -> FragmentIndex.rows(c, hash, true))) {
                if (!row.fits(manifest)) {
                    quarantineLocked(hash, row.id().index(), reason);
                    moved.add(row.stored());
                }
            }
            files.writeManifest(manifest);
            index.inTransaction("replacing the manifest of " + hash, connection -> {
                Optional<FragmentPlan> recorded = FragmentIndex.insertPlanIfAbsent(connection, manifest.plan());
                if (recorded.isPresent() && !recorded.get().equals(manifest.plan())) {
                    FragmentIndex.updatePlan(connection, manifest.plan());
                }
                FragmentIndex.putManifest(connection, manifest);
                return null;
            });
            LOG.info("The manifest of {} is now {}'s ({} fragment(s) quarantined)", hash, manifest.owner().shortHex(),
                    moved.size());
            return moved;
        }
    }

    @Override
    public boolean forget(ContentHash tesseraHash) throws IOException {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        synchronized (lock(tesseraHash)) {
            if (!index.read("listing " + tesseraHash, c -> FragmentIndex.rows(c, tesseraHash, false)).isEmpty()
                    || manifest(tesseraHash).isEmpty()) {
                return false;
            }
            index.inTransaction("forgetting " + tesseraHash, connection -> {
                FragmentIndex.deleteTessera(connection, tesseraHash);
                return null;
            });
            Files.deleteIfExists(files.manifestPath(tesseraHash));
            try {
                Files.deleteIfExists(files.directory(tesseraHash));
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                LOG.warn("Forgot tessera {} but its directory still holds files: {}", tesseraHash,
                        files.directory(tesseraHash));
            }
            StorageRoot.syncDirectory(files.fragmentsDirectory());
            LOG.info("Forgot tessera {}: no fragment of it is held here", tesseraHash);
            return true;
        }
    }

    @Override
    public Optional<TesseraManifest> manifest(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        return index.read("reading the manifest of " + tesseraHash, c -> FragmentIndex.manifest(c, tesseraHash));
    }

    // ---- fragments ----

    @Override
    public StoredFragment store(FragmentId id, InputStream content, Optional<NodeId> originPeer) throws IOException {
        Objects.requireNonNull(id, "fragment id");
        Objects.requireNonNull(content, "content of " + id);
        Objects.requireNonNull(originPeer, "origin peer of " + id);
        TesseraManifest manifest = manifest(id.tesseraHash()).orElseThrow(() -> new IllegalStateException(
                "no manifest is recorded for " + id.tesseraHash() + ": record it before its fragments"));
        if (!id.belongsTo(manifest.plan())) {
            throw new IllegalArgumentException("fragment " + id + " (" + id.totalShards()
                    + " shards) does not belong to the plan of " + id.tesseraHash() + " ("
                    + manifest.plan().totalShards() + " shards)");
        }
        if (!id.checksum().equals(manifest.checksum(id.index()))) {
            throw new FragmentIntegrityException("fragment " + id + " is announced with checksum " + id.checksum()
                    + " but the manifest gives " + manifest.checksum(id.index()));
        }
        try (PendingFragment pending = new PendingFragment(manifest.plan(), id.index(), files, hasher, true,
                peerFragmentsUncached, this::install)) {
            pending.writeAll(content);
            return pending.commit(Optional.of(id.checksum()), originPeer);
        }
    }

    @Override
    public FragmentWriter create(FragmentPlan plan, int index) throws IOException {
        return new PendingFragment(Objects.requireNonNull(plan, "plan"), index, files, hasher, true, false,
                this::install);
    }

    @Override
    public FragmentWriter createChecksummedBySource(FragmentPlan plan, int index) throws IOException {
        return new PendingFragment(Objects.requireNonNull(plan, "plan"), index, files, hasher, false, false,
                this::install);
    }

    /** Checks a written fragment against the manifest, renames it into place and indexes it. */
    private StoredFragment install(FragmentPlan plan, int at, ContentHash checksum, Path temp,
            Optional<NodeId> originPeer) throws IOException {
        ContentHash hash = plan.tesseraHash();
        FragmentId id = new FragmentId(hash, at, plan.totalShards(), checksum);
        Path file = files.shardPath(hash, at);
        synchronized (lock(hash)) {
            TesseraManifest manifest = manifest(hash).orElseThrow(() -> new IllegalStateException(
                    "no manifest is recorded for " + hash + ": fragment " + at + " cannot be committed"));
            if (!manifest.plan().equals(plan)) {
                throw differentPlan(manifest.plan(), plan);
            }
            if (!manifest.checksum(at).equals(checksum)) {
                throw new FragmentIntegrityException("fragment " + id + " has checksum " + checksum
                        + " but the manifest gives " + manifest.checksum(at) + "; it is not kept");
            }
            Optional<FragmentIndex.Row> existing = index.read("reading " + id, c -> FragmentIndex.row(c, hash, at));
            if (existing.isPresent() && !existing.get().lost() && Files.isRegularFile(file)) {
                if (!existing.get().checksum().equals(checksum)) {
                    throw new FragmentIntegrityException("fragment " + id + " is already held with checksum "
                            + existing.get().checksum() + "; refusing other bytes with checksum " + checksum);
                }
                Optional<String> damage = damageOfHeldCopy(file, plan.shardSize(), checksum);
                if (damage.isEmpty()) {
                    LOG.debug("Fragment {} already held", id);
                    return existing.get().stored();
                }
                // the copy held here rotted since it was checked, or cannot be read; the bytes just written are
                // checked: they replace it, renamed over it once its bytes are kept in quarantine
                try {
                    quarantine.keep(file, hash.hex() + "-" + file.getFileName(), damage.get() + "; replaced by a"
                            + " checked copy of fragment " + at + " stored again");
                } catch (NoSuchFileException gone) {
                    LOG.debug("Fragment {} vanished while it was replaced", id);
                }
            }
            ShardFiles.moveIntoPlace(temp, file);
            StoredFragment stored = new StoredFragment(id, plan.isParity(at), plan.shardSize(), Instant.now(),
                    Optional.empty(), originPeer);
            try {
                index.inTransaction("indexing " + id, connection -> {
                    FragmentIndex.writeRow(connection, stored, relative(file), existing.isPresent());
                    return null;
                });
            } catch (RuntimeException e) {
                // The file is a shard the manifest explains, its bytes checked: it stays (it may have replaced a
                // copy that came back after its row was marked lost), and the next start or reindex holds it.
                LOG.warn("Fragment {} is on disk, checked, but could not be indexed; its file is kept at {} and the"
                        + " next start or tesseras:reindex indexes it", id, file, e);
                throw new IOException("cannot index fragment " + id + " (its checked file is kept for the next"
                        + " reindex): " + e.getMessage(), e);
            }
            LOG.debug("Stored fragment {}", id);
            return stored;
        }
    }

    /**
     * What is wrong with the file of a fragment held here (a second copy is offered), empty when it still has its
     * length and checksum. One that cannot be read is damaged too.
     */
    private Optional<String> damageOfHeldCopy(Path file, long shardSize, ContentHash checksum) {
        try {
            FragmentCheck check = checkFile(file, shardSize, checksum);
            return check == FragmentCheck.GOOD ? Optional.empty()
                    : Optional.of(check == FragmentCheck.MISSING ? "it vanished"
                            : "it no longer hashes to its checksum " + checksum);
        } catch (IOException e) {
            LOG.warn("The held copy of {} cannot be read ({}); a checked copy stored again replaces it", file,
                    e.toString());
            return Optional.of("it cannot be read (" + (e.getMessage() != null ? e.getMessage() : e) + ")");
        }
    }

    /** Hashes a shard file whole: GOOD when it has {@code size} bytes hashing to {@code checksum}. */
    private FragmentCheck checkFile(Path file, long size, ContentHash checksum) throws IOException {
        try {
            Hasher.Hashed hashed = files.hash(file);
            return hashed.length() == size && hashed.checksum().equals(checksum) ? FragmentCheck.GOOD
                    : FragmentCheck.CORRUPT;
        } catch (NoSuchFileException e) {
            return FragmentCheck.MISSING;
        }
    }

    @Override
    public Optional<SeekableByteChannel> open(ContentHash tesseraHash, int at) throws IOException {
        Path file = files.shardPath(tesseraHash, at);
        if (find(tesseraHash, at).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newByteChannel(file, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            synchronized (lock(tesseraHash)) {
                if (!Files.exists(file) && index.inTransaction("marking " + tesseraHash + "/" + at + " lost",
                        c -> FragmentIndex.markLost(c, tesseraHash, at, Instant.now()))) {
                    LOG.warn("Fragment {}/{} is lost: its file is gone", tesseraHash, at);
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public Optional<StoredFragment> find(ContentHash tesseraHash, int at) {
        ShardFiles.checkIndex(tesseraHash, at);
        return index.read("reading fragment " + tesseraHash + "/" + at, c -> FragmentIndex.row(c, tesseraHash, at))
                .filter(row -> !row.lost()).map(FragmentIndex.Row::stored);
    }

    @Override
    public List<StoredFragment> list(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        return index.read("listing the fragments of " + tesseraHash, c -> FragmentIndex.rows(c, tesseraHash, false))
                .stream().map(FragmentIndex.Row::stored).toList();
    }

    @Override
    public List<ContentHash> listTesseras() {
        return index.read("listing tesseras", FragmentIndex::tesseras);
    }

    @Override
    public Optional<FragmentPlan> plan(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        return index.read("reading the plan of " + tesseraHash, c -> FragmentIndex.plan(c, tesseraHash));
    }

    /** Removes the file and the row (held or lost); true if either existed. */
    @Override
    public boolean delete(ContentHash tesseraHash, int at) throws IOException {
        Path file = files.shardPath(tesseraHash, at);
        Path deleting = file.resolveSibling(file.getFileName() + ShardFiles.DELETING_SUFFIX);
        synchronized (lock(tesseraHash)) {
            boolean hadFile = Files.exists(file);
            if (hadFile) {
                Files.move(file, deleting, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                StorageRoot.syncDirectory(file.getParent());
            }
            int rows;
            try {
                rows = index.inTransaction("deleting " + tesseraHash + "/" + at,
                        c -> FragmentIndex.deleteRow(c, tesseraHash, at));
            } catch (RuntimeException e) {
                if (hadFile) {
                    Files.move(deleting, file, StandardCopyOption.ATOMIC_MOVE);
                }
                throw new IOException("cannot delete fragment " + tesseraHash + "/" + at + " from the index: "
                        + e.getMessage(), e);
            }
            Files.deleteIfExists(deleting);
            if (hadFile || rows > 0) {
                LOG.info("Deleted fragment {}/{}", tesseraHash, at);
            }
            return hadFile || rows > 0;
        }
    }

    @Override
    public boolean quarantine(ContentHash tesseraHash, int at, String reason) throws IOException {
        ShardFiles.checkIndex(tesseraHash, at);
        synchronized (lock(tesseraHash)) {
            return quarantineLocked(tesseraHash, at, reason);
        }
    }

    private boolean quarantineLocked(ContentHash tesseraHash, int at, String reason) throws IOException {
        Path file = files.shardPath(tesseraHash, at);
        boolean hadFile = Files.exists(file);
        if (hadFile) {
            quarantine.move(file, tesseraHash.hex() + "-" + file.getFileName(), reason);
        }
        int rows = index.inTransaction("dropping " + tesseraHash + "/" + at,
                c -> FragmentIndex.deleteRow(c, tesseraHash, at));
        return hadFile || rows > 0;
    }

    @Override
    public List<QuarantinedFile> quarantined() {
        return quarantine.list();
    }

    @Override
    public FragmentCheck verify(ContentHash tesseraHash, int at) throws IOException {
        Path file = files.shardPath(tesseraHash, at);
        Optional<FragmentIndex.Row> found = index.read("reading " + tesseraHash + "/" + at,
                c -> FragmentIndex.row(c, tesseraHash, at));
        if (found.isEmpty()) {
            return FragmentCheck.MISSING;
        }
        FragmentIndex.Row row = found.get();
        FragmentCheck check = checkFile(file, row.sizeBytes(), row.checksum());
        Instant now = Instant.now();
        Optional<Instant> lostAt = check == FragmentCheck.MISSING ? Optional.of(row.lostAt().orElse(now))
                : Optional.empty();
        synchronized (lock(tesseraHash)) {
            index.inTransaction("recording the check of " + tesseraHash + "/" + at, c -> {
                FragmentIndex.recordCheck(c, tesseraHash, at, now, lostAt);
                return null;
            });
        }
        if (check != FragmentCheck.GOOD) {
            LOG.warn("Fragment {}/{} is {}", tesseraHash, at, check);
        } else if (row.lost()) {
            LOG.info("Lost fragment {}/{} is back and intact", tesseraHash, at);
        }
        return check;
    }

    @Override
    public List<FragmentId> lostFragments() {
        return index.read("listing lost fragments", c -> FragmentIndex.allRows(c, true)).stream()
                .map(FragmentIndex.Row::id).toList();
    }

    @Override
    public ReindexReport reindex() throws IOException {
        ReindexReport report = reconciler().run(false);
        LOG.info("Reindexed {}: {}", files.fragmentsDirectory(), describe(report));
        return report;
    }

    @Override
    public StorageUsage usage() {
        long[] counts = index.read("summing storage usage", FragmentIndex::countAndBytes);
        try {
            return new StorageUsage(counts[0], counts[1],
                    Files.getFileStore(files.fragmentsDirectory()).getUsableSpace());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the free space of " + files.fragmentsDirectory() + ": "
                    + e.getMessage(), e);
        }
    }

    // ---- helpers ----

    /** The file of fragment {@code index} of {@code tesseraHash}. */
    Path shardPath(ContentHash tesseraHash, int at) {
        return files.shardPath(tesseraHash, at);
    }

    Object lock(ContentHash tesseraHash) {
        return locks[Math.floorMod(tesseraHash.hashCode(), LOCK_STRIPES)];
    }

    String relative(Path file) {
        return root.relativize(file).toString();
    }

    private DiskReconciler reconciler() {
        return new DiskReconciler(files, index, quarantine, this::lock, this::relative);
    }

    static IllegalArgumentException differentPlan(FragmentPlan recorded, FragmentPlan offered) {
        return new IllegalArgumentException("tessera " + recorded.tesseraHash() + " already has a different plan:"
                + " recorded " + describe(recorded) + ", offered " + describe(offered));
    }

    private static String describe(FragmentPlan plan) {
        return plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards() + " of " + plan.shardSize()
                + " bytes for " + plan.tesseraSize() + " bytes, r=" + plan.replicationFactor();
    }

    private static String describe(ReindexReport report) {
        return report.tesseraDirectories() + " tessera directories, " + report.manifests() + " manifests, "
                + report.alreadyIndexed() + " fragments indexed already, " + report.indexed() + " indexed now, "
                + report.quarantined() + " quarantined, " + report.markedLost() + " marked lost";
    }
}
