package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;

/**
 * Fragments as files {@code {root}/fragments/{tesseraHash}/{index:03}.shard}, indexed in the node database.
 * A fragment is streamed to a temporary file while hashed, synced, renamed into place and only then indexed, so
 * no partial {@code .shard} is ever visible; activation reconciles files and rows after a crash.
 */
@Component(service = FragmentStore.class, configurationPid = StorageConfiguration.PID, immediate = true)
@Designate(ocd = StorageConfiguration.class)
public final class FsFragmentStore implements FragmentStore {
    private static final Logger LOG = LoggerFactory.getLogger(FsFragmentStore.class);
    private static final Pattern SHARD_FILE = Pattern.compile("(\\d{3})\\.shard");
    private static final Pattern DELETING_FILE = Pattern.compile("(\\d{3})\\.shard\\.deleting");
    private static final String DELETING_SUFFIX = ".deleting";
    private static final String DUPLICATE_KEY = "23505";
    private static final int LOCK_STRIPES = 64;
    private static final String ROW_COLUMNS = "f.tessera_hash, f.fragment_index, f.is_parity, f.checksum,"
            + " f.size_bytes, f.stored_at, f.last_verified, f.origin_peer, f.lost_at,"
            + " p.data_shards + p.parity_shards AS total_shards";
    private static final String ROW_FROM = " FROM fragments f JOIN fragment_plans p ON p.tessera_hash = f.tessera_hash";

    private final DataSource database;
    private final Hasher hasher;
    private final Path root;
    private final Path fragmentsDirectory;
    private final Object[] stripes = new Object[LOCK_STRIPES];
    private final ReconcileReport startupReport;

    /** What the start-up scan found and did. */
    record ReconcileReport(int tempFilesRemoved, int deletionsCompleted, int orphansReindexed, int orphansRemoved,
            int rowsMarkedLost, int lostRowsRecovered) {
    }

    /** Opens the store under the configured root and reconciles it with its index. */
    @Activate
    public FsFragmentStore(@Reference(name = "database", target = "(tesseras.db=node)") DataSource database,
            @Reference(name = "hasher") Hasher hasher, StorageConfiguration config) throws IOException {
        this(database, hasher, StorageRoot.resolve(config.rootDirectory()));
    }

    FsFragmentStore(DataSource database, Hasher hasher, Path root) throws IOException {
        this.database = Objects.requireNonNull(database, "database");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.root = root.toAbsolutePath().normalize();
        this.fragmentsDirectory = this.root.resolve("fragments");
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        Files.createDirectories(fragmentsDirectory);
        this.startupReport = reconcile();
        LOG.info("Fragment store at {}: {}", fragmentsDirectory, startupReport);
    }

    /** What the reconciliation at activation found. */
    ReconcileReport startupReport() {
        return startupReport;
    }

    /** Where the fragment files live. */
    Path fragmentsDirectory() {
        return fragmentsDirectory;
    }

    @Override
    public StoredFragment store(FragmentId id, FragmentPlan plan, InputStream content, Optional<NodeId> originPeer)
            throws IOException {
        Objects.requireNonNull(id, "fragment id");
        Objects.requireNonNull(plan, "plan of " + id);
        Objects.requireNonNull(content, "content of " + id);
        Objects.requireNonNull(originPeer, "origin peer of " + id);
        if (!id.belongsTo(plan)) {
            throw new IllegalArgumentException("fragment " + id + " (" + id.totalShards()
                    + " shards) does not belong to the plan of " + plan.tesseraHash() + " (" + plan.totalShards()
                    + " shards)");
        }
        try (PendingFragment pending = new PendingFragment(plan, id.index(), true)) {
            byte[] buffer = new byte[StorageRoot.BUFFER_BYTES];
            for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
                pending.write(buffer, 0, n);
            }
            return pending.commit(Optional.of(id.checksum()), originPeer);
        }
    }

    @Override
    public FragmentWriter create(FragmentPlan plan, int index) throws IOException {
        Objects.requireNonNull(plan, "plan");
        return new PendingFragment(plan, index, true);
    }

    @Override
    public FragmentWriter createChecksummedBySource(FragmentPlan plan, int index) throws IOException {
        Objects.requireNonNull(plan, "plan");
        return new PendingFragment(plan, index, false);
    }

    @Override
    public Optional<SeekableByteChannel> open(ContentHash tesseraHash, int index) throws IOException {
        Path file = shardPath(tesseraHash, index);
        if (find(tesseraHash, index).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newByteChannel(file, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            synchronized (stripe(tesseraHash, index)) {
                if (!Files.exists(file)) {
                    markLost(tesseraHash, index);
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public Optional<StoredFragment> find(ContentHash tesseraHash, int index) {
        checkIndex(tesseraHash, index);
        try (Connection connection = database.getConnection()) {
            return selectRow(connection, tesseraHash, index).filter(row -> !row.lost()).map(Row::stored);
        } catch (SQLException e) {
            throw indexFailure("reading fragment " + tesseraHash + "/" + index, e);
        }
    }

    @Override
    public List<StoredFragment> list(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        List<StoredFragment> fragments = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT " + ROW_COLUMNS + ROW_FROM
                        + " WHERE f.tessera_hash = ? AND f.lost_at IS NULL ORDER BY f.fragment_index")) {
            select.setString(1, tesseraHash.hex());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    fragments.add(row(rows).stored());
                }
            }
            return fragments;
        } catch (SQLException e) {
            throw indexFailure("listing the fragments of " + tesseraHash, e);
        }
    }

    @Override
    public List<ContentHash> listTesseras() {
        List<ContentHash> tesseras = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(
                        "SELECT tessera_hash FROM fragment_plans ORDER BY tessera_hash")) {
            while (rows.next()) {
                tesseras.add(ContentHash.of(rows.getString(1)));
            }
            return tesseras;
        } catch (SQLException e) {
            throw indexFailure("listing tesseras", e);
        }
    }

    @Override
    public Optional<FragmentPlan> plan(ContentHash tesseraHash) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        try (Connection connection = database.getConnection()) {
            return selectPlan(connection, tesseraHash);
        } catch (SQLException e) {
            throw indexFailure("reading the plan of " + tesseraHash, e);
        }
    }

    @Override
    public void savePlan(FragmentPlan plan) {
        Objects.requireNonNull(plan, "plan");
        try (Connection connection = database.getConnection()) {
            ensurePlan(connection, plan);
        } catch (SQLException e) {
            throw indexFailure("saving the plan of " + plan.tesseraHash(), e);
        }
    }

    /** Removes the file and the row (held or lost); true if either existed. */
    @Override
    public boolean delete(ContentHash tesseraHash, int index) throws IOException {
        Path file = shardPath(tesseraHash, index);
        Path deleting = file.resolveSibling(file.getFileName() + DELETING_SUFFIX);
        synchronized (stripe(tesseraHash, index)) {
            boolean hadFile = Files.exists(file);
            if (hadFile) {
                Files.move(file, deleting, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                StorageRoot.syncDirectory(file.getParent());
            }
            int rows;
            try (Connection connection = database.getConnection();
                    PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM fragments WHERE tessera_hash = ? AND fragment_index = ?")) {
                delete.setString(1, tesseraHash.hex());
                delete.setInt(2, index);
                rows = delete.executeUpdate();
            } catch (SQLException e) {
                if (hadFile) {
                    Files.move(deleting, file, StandardCopyOption.ATOMIC_MOVE);
                }
                throw new IOException("cannot delete fragment " + tesseraHash + "/" + index + " from the index: "
                        + e.getMessage(), e);
            }
            Files.deleteIfExists(deleting);
            if (hadFile || rows > 0) {
                LOG.info("Deleted fragment {}/{}", tesseraHash, index);
            }
            return hadFile || rows > 0;
        }
    }

    @Override
    public FragmentCheck verify(ContentHash tesseraHash, int index) throws IOException {
        Path file = shardPath(tesseraHash, index);
        synchronized (stripe(tesseraHash, index)) {
            try (Connection connection = database.getConnection()) {
                Optional<Row> found = selectRow(connection, tesseraHash, index);
                if (found.isEmpty()) {
                    return FragmentCheck.MISSING;
                }
                Row row = found.get();
                FragmentCheck check = check(file, row);
                Instant now = Instant.now();
                try (PreparedStatement update = connection.prepareStatement("UPDATE fragments SET last_verified = ?,"
                        + " lost_at = ? WHERE tessera_hash = ? AND fragment_index = ?")) {
                    update.setTimestamp(1, timestamp(now), utc());
                    Instant lostAt = check == FragmentCheck.MISSING ? row.lostAt().orElse(now) : null;
                    if (lostAt == null) {
                        update.setNull(2, Types.TIMESTAMP);
                    } else {
                        update.setTimestamp(2, timestamp(lostAt), utc());
                    }
                    update.setString(3, tesseraHash.hex());
                    update.setInt(4, index);
                    update.executeUpdate();
                }
                if (check != FragmentCheck.GOOD) {
                    LOG.warn("Fragment {}/{} is {}", tesseraHash, index, check);
                } else if (row.lost()) {
                    LOG.info("Lost fragment {}/{} is back and intact", tesseraHash, index);
                }
                return check;
            } catch (SQLException e) {
                throw new IOException("cannot record the check of fragment " + tesseraHash + "/" + index + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<FragmentId> lostFragments() {
        List<FragmentId> lost = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT " + ROW_COLUMNS + ROW_FROM
                        + " WHERE f.lost_at IS NOT NULL ORDER BY f.tessera_hash, f.fragment_index")) {
            while (rows.next()) {
                lost.add(row(rows).id());
            }
            return lost;
        } catch (SQLException e) {
            throw indexFailure("listing lost fragments", e);
        }
    }

    @Override
    public StorageUsage usage() {
        try (Connection connection = database.getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(
                        "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM fragments WHERE lost_at IS NULL")) {
            rows.next();
            return new StorageUsage(rows.getLong(1), rows.getLong(2),
                    Files.getFileStore(fragmentsDirectory).getUsableSpace());
        } catch (SQLException e) {
            throw indexFailure("summing storage usage", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the free space of " + fragmentsDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    // ---- files ----

    /** The file of fragment {@code index} of {@code tesseraHash}; both are checked before any path is built. */
    Path shardPath(ContentHash tesseraHash, int index) {
        checkIndex(tesseraHash, index);
        Path directory = StorageRoot.child(fragmentsDirectory, tesseraHash);
        Path file = directory.resolve(shardName(index)).normalize();
        if (!file.getParent().equals(directory)) {
            throw new IllegalArgumentException("fragment " + tesseraHash + "/" + index
                    + " does not name a file inside " + directory);
        }
        return file;
    }

    private static String shardName(int index) {
        return String.format(Locale.ROOT, "%03d.shard", index);
    }

    private static void checkIndex(ContentHash tesseraHash, int index) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        if (index < 0 || index >= FragmentPlan.MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException("fragment index of " + tesseraHash + " must be 0.."
                    + (FragmentPlan.MAX_TOTAL_SHARDS - 1) + ", got " + index);
        }
    }

    private Object stripe(ContentHash tesseraHash, int index) {
        return stripes[Math.floorMod(tesseraHash.hashCode() * 31 + index, LOCK_STRIPES)];
    }

    private FragmentCheck check(Path file, Row row) throws IOException {
        Hasher.IncrementalHash hash = hasher.newHash();
        long size = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(StorageRoot.BUFFER_BYTES);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                size += buffer.remaining();
                hash.update(buffer);
                buffer.clear();
            }
        } catch (NoSuchFileException e) {
            return FragmentCheck.MISSING;
        }
        boolean intact = size == row.sizeBytes() && hash.finish().equals(row.checksum());
        return intact ? FragmentCheck.GOOD : FragmentCheck.CORRUPT;
    }

    private ContentHash hashFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return hasher.hash(in);
        }
    }

    // ---- writing ----

    /** A fragment being streamed into a temporary file beside its final place. */
    private final class PendingFragment implements FragmentWriter {
        private final FragmentPlan plan;
        private final int index;
        private final Path temp;
        private final FileChannel channel;
        /** The running BLAKE3 of the bytes written, or {@code null} when the producer supplies the checksum. */
        private final Hasher.IncrementalHash hash;
        private long writtenBytes;
        private boolean done;

        PendingFragment(FragmentPlan plan, int index, boolean hashing) throws IOException {
            plan.checkIndex(index);
            this.plan = plan;
            this.index = index;
            Path file = shardPath(plan.tesseraHash(), index);
            Optional<FragmentPlan> recorded = plan(plan.tesseraHash());
            if (recorded.isPresent() && !recorded.get().equals(plan)) {
                throw differentPlan(recorded.get(), plan);
            }
            if (!Files.isDirectory(file.getParent())) {
                Files.createDirectories(file.getParent());
                StorageRoot.syncDirectory(fragmentsDirectory);
            }
            this.temp = Files.createTempFile(file.getParent(), file.getFileName() + ".", StorageRoot.TEMP_SUFFIX);
            FileChannel opened = null;
            try {
                opened = FileChannel.open(temp, StandardOpenOption.WRITE);
            } finally {
                if (opened == null) {
                    Files.deleteIfExists(temp);
                }
            }
            this.channel = opened;
            this.hash = hashing ? hasher.newHash() : null;
        }

        void write(byte[] data, int offset, int length) throws IOException {
            write(ByteBuffer.wrap(data, offset, length));
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (done) {
                throw new ClosedChannelException();
            }
            int length = source.remaining();
            if (writtenBytes + length > plan.shardSize()) {
                close();
                throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                        + " is longer than its plan's shard size: expected " + plan.shardSize() + " bytes, got at least "
                        + (writtenBytes + length));
            }
            if (hash != null) {
                hash.update(source.duplicate());
            }
            while (source.hasRemaining()) {
                channel.write(source);
            }
            writtenBytes += length;
            return length;
        }

        @Override
        public boolean isOpen() {
            return !done;
        }

        @Override
        public StoredFragment commit() throws IOException {
            if (hash == null) {
                throw new IllegalStateException("fragment " + plan.tesseraHash() + "/" + index
                        + " is checksummed by its source: commit it with that checksum");
            }
            return commit(Optional.empty(), Optional.empty());
        }

        @Override
        public StoredFragment commit(ContentHash checksum) throws IOException {
            return commit(Optional.of(Objects.requireNonNull(checksum, "checksum")), Optional.empty());
        }

        StoredFragment commit(Optional<ContentHash> expectedChecksum, Optional<NodeId> originPeer) throws IOException {
            if (done) {
                throw new ClosedChannelException();
            }
            try {
                if (writtenBytes != plan.shardSize()) {
                    throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                            + " has the wrong length: expected " + plan.shardSize() + " bytes, got " + writtenBytes);
                }
                ContentHash checksum = hash == null ? expectedChecksum.orElseThrow() : hash.finish();
                if (expectedChecksum.isPresent() && !expectedChecksum.get().equals(checksum)) {
                    throw new FragmentIntegrityException("fragment " + plan.tesseraHash() + "/" + index
                            + " has the wrong checksum: expected " + expectedChecksum.get() + ", got " + checksum);
                }
                channel.force(true);
                channel.close();
                FragmentId id = new FragmentId(plan.tesseraHash(), index, plan.totalShards(), checksum);
                return install(id, plan, temp, originPeer);
            } finally {
                close();
            }
        }

        /** Discards the fragment unless it was committed. */
        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                channel.close();
            }
            Files.deleteIfExists(temp);
        }
    }

    private StoredFragment install(FragmentId id, FragmentPlan plan, Path temp, Optional<NodeId> originPeer)
            throws IOException {
        ContentHash tesseraHash = id.tesseraHash();
        int index = id.index();
        Path file = shardPath(tesseraHash, index);
        synchronized (stripe(tesseraHash, index)) {
            try (Connection connection = database.getConnection()) {
                connection.setAutoCommit(false);
                boolean moved = false;
                try {
                    ensurePlanInTransaction(connection, plan);
                    Optional<Row> existing = selectRow(connection, tesseraHash, index);
                    if (existing.isPresent() && !existing.get().lost() && Files.isRegularFile(file)) {
                        connection.rollback();
                        Row held = existing.get();
                        if (held.checksum().equals(id.checksum())) {
                            LOG.debug("Fragment {} already held", id);
                            return held.stored();
                        }
                        throw new FragmentIntegrityException("fragment " + id + " is already held with checksum "
                                + held.checksum() + "; refusing other bytes with checksum " + id.checksum()
                                + " (delete the held one first)");
                    }
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    moved = true;
                    StorageRoot.syncDirectory(file.getParent());
                    Instant now = Instant.now();
                    StoredFragment stored = new StoredFragment(id, plan.isParity(index), plan.shardSize(), now,
                            Optional.empty(), originPeer);
                    writeRow(connection, stored, existing.isPresent());
                    connection.commit();
                    LOG.debug("Stored fragment {}", id);
                    return stored;
                } catch (SQLException | IOException | RuntimeException e) {
                    connection.rollback();
                    if (moved) {
                        Files.deleteIfExists(file);
                    }
                    throw e;
                }
            } catch (SQLException e) {
                throw new IOException("cannot index fragment " + id + ": " + e.getMessage(), e);
            }
        }
    }

    private void writeRow(Connection connection, StoredFragment stored, boolean replace) throws SQLException {
        FragmentId id = stored.id();
        String sql = replace
                ? "UPDATE fragments SET is_parity = ?, checksum = ?, size_bytes = ?, path = ?, stored_at = ?,"
                        + " origin_peer = ?, last_verified = NULL, lost_at = NULL"
                        + " WHERE tessera_hash = ? AND fragment_index = ?"
                : "INSERT INTO fragments (is_parity, checksum, size_bytes, path, stored_at, origin_peer,"
                        + " tessera_hash, fragment_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setBoolean(1, stored.parity());
            statement.setString(2, id.checksum().hex());
            statement.setLong(3, stored.sizeBytes());
            statement.setString(4, root.relativize(shardPath(id.tesseraHash(), id.index())).toString());
            statement.setTimestamp(5, timestamp(stored.storedAt()), utc());
            statement.setString(6, stored.originPeer().map(NodeId::hex).orElse(null));
            statement.setString(7, id.tesseraHash().hex());
            statement.setInt(8, id.index());
            statement.executeUpdate();
        }
    }

    // ---- plans ----

    private void ensurePlan(Connection connection, FragmentPlan plan) throws SQLException {
        connection.setAutoCommit(false);
        try {
            ensurePlanInTransaction(connection, plan);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private void ensurePlanInTransaction(Connection connection, FragmentPlan plan) throws SQLException {
        Optional<FragmentPlan> recorded = selectPlan(connection, plan.tesseraHash());
        if (recorded.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fragment_plans (tessera_hash,"
                    + " tessera_size, tier, data_shards, parity_shards, shard_size, replication_factor, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, plan.tesseraHash().hex());
                insert.setLong(2, plan.tesseraSize());
                insert.setString(3, plan.tier().name());
                insert.setInt(4, plan.dataShards());
                insert.setInt(5, plan.parityShards());
                insert.setLong(6, plan.shardSize());
                insert.setInt(7, plan.replicationFactor());
                insert.setTimestamp(8, timestamp(Instant.now()), utc());
                insert.executeUpdate();
                return;
            } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                    throw e;
                }
                recorded = selectPlan(connection, plan.tesseraHash());
            }
        }
        if (recorded.isPresent() && !recorded.get().equals(plan)) {
            throw differentPlan(recorded.get(), plan);
        }
    }

    private static IllegalArgumentException differentPlan(FragmentPlan recorded, FragmentPlan offered) {
        return new IllegalArgumentException("tessera " + recorded.tesseraHash() + " already has a different plan:"
                + " recorded " + describe(recorded) + ", offered " + describe(offered));
    }

    private static String describe(FragmentPlan plan) {
        return plan.tier() + " " + plan.dataShards() + "+" + plan.parityShards() + " of " + plan.shardSize()
                + " bytes for " + plan.tesseraSize() + " bytes, r=" + plan.replicationFactor();
    }

    private static Optional<FragmentPlan> selectPlan(Connection connection, ContentHash tesseraHash)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT tessera_size, tier, data_shards,"
                + " parity_shards, shard_size, replication_factor FROM fragment_plans WHERE tessera_hash = ?")) {
            select.setString(1, tesseraHash.hex());
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new FragmentPlan(tesseraHash, rows.getLong(1),
                        FragmentationTier.valueOf(rows.getString(2)), rows.getInt(3), rows.getInt(4), rows.getLong(5),
                        rows.getInt(6)));
            }
        }
    }

    // ---- rows ----

    /** A {@code fragments} row joined with its plan's stripe width. */
    private record Row(FragmentId id, boolean parity, long sizeBytes, Instant storedAt, Optional<Instant> lastVerified,
            Optional<NodeId> originPeer, Optional<Instant> lostAt) {
        boolean lost() {
            return lostAt.isPresent();
        }

        ContentHash checksum() {
            return id.checksum();
        }

        StoredFragment stored() {
            return new StoredFragment(id, parity, sizeBytes, storedAt, lastVerified, originPeer);
        }
    }

    private static Optional<Row> selectRow(Connection connection, ContentHash tesseraHash, int index)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + ROW_COLUMNS + ROW_FROM
                + " WHERE f.tessera_hash = ? AND f.fragment_index = ?")) {
            select.setString(1, tesseraHash.hex());
            select.setInt(2, index);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(row(rows)) : Optional.empty();
            }
        }
    }

    private static Row row(ResultSet rows) throws SQLException {
        ContentHash tesseraHash = ContentHash.of(rows.getString("tessera_hash"));
        FragmentId id = new FragmentId(tesseraHash, rows.getInt("fragment_index"), rows.getInt("total_shards"),
                ContentHash.of(rows.getString("checksum")));
        String origin = rows.getString("origin_peer");
        return new Row(id, rows.getBoolean("is_parity"), rows.getLong("size_bytes"),
                instant(rows, "stored_at").orElseThrow(), instant(rows, "last_verified"),
                origin == null ? Optional.empty() : Optional.of(NodeId.of(origin)), instant(rows, "lost_at"));
    }

    private void markLost(ContentHash tesseraHash, int index) {
        try (Connection connection = database.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE fragments SET lost_at = ?"
                        + " WHERE tessera_hash = ? AND fragment_index = ? AND lost_at IS NULL")) {
            update.setTimestamp(1, timestamp(Instant.now()), utc());
            update.setString(2, tesseraHash.hex());
            update.setInt(3, index);
            if (update.executeUpdate() > 0) {
                LOG.warn("Fragment {}/{} is lost: its file is gone", tesseraHash, index);
            }
        } catch (SQLException e) {
            throw indexFailure("marking fragment " + tesseraHash + "/" + index + " lost", e);
        }
    }

    private static IllegalStateException indexFailure(String what, SQLException e) {
        return new IllegalStateException("fragment index failed " + what + ": " + e.getMessage() + " (SQLState "
                + e.getSQLState() + ")", e);
    }

    private static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }

    private static Optional<Instant> instant(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column, utc());
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    // ---- start-up reconciliation ----

    private ReconcileReport reconcile() throws IOException {
        int[] counts = new int[6];
        Set<String> indexed = indexedFragments();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(fragmentsDirectory)) {
            for (Path directory : directories) {
                String name = directory.getFileName().toString();
                if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) || !ContentHash.isValid(name)) {
                    LOG.warn("Ignoring {}: not a tessera directory", directory);
                    continue;
                }
                reconcileDirectory(ContentHash.of(name), directory, indexed, counts);
            }
        }
        reconcileRows(counts);
        return new ReconcileReport(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    private void reconcileDirectory(ContentHash tesseraHash, Path directory, Set<String> indexed, int[] counts)
            throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            entries.forEach(files::add);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            Matcher shard = SHARD_FILE.matcher(name);
            Matcher deleting = DELETING_FILE.matcher(name);
            if (name.endsWith(StorageRoot.TEMP_SUFFIX) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(file);
                counts[0]++;
                LOG.info("Removed unfinished fragment file {}", file);
            } else if (deleting.matches()) {
                completeDeletion(tesseraHash, Integer.parseInt(deleting.group(1)), file);
                counts[1]++;
            } else if (shard.matches() && Integer.parseInt(shard.group(1)) < FragmentPlan.MAX_TOTAL_SHARDS) {
                int index = Integer.parseInt(shard.group(1));
                if (!indexed.contains(tesseraHash.hex() + "/" + index)) {
                    if (adoptOrphan(tesseraHash, index, file)) {
                        counts[2]++;
                    } else {
                        counts[3]++;
                    }
                }
            } else {
                LOG.warn("Ignoring {}: not a fragment file", file);
            }
        }
        try {
            Files.deleteIfExists(directory);
        } catch (DirectoryNotEmptyException e) {
            LOG.trace("{} still holds fragments", directory);
        }
    }

    private void completeDeletion(ContentHash tesseraHash, int index, Path deletingFile) throws IOException {
        if (!Files.exists(shardPath(tesseraHash, index))) {
            try (Connection connection = database.getConnection();
                    PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM fragments WHERE tessera_hash = ? AND fragment_index = ?")) {
                delete.setString(1, tesseraHash.hex());
                delete.setInt(2, index);
                delete.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("cannot finish deleting fragment " + tesseraHash + "/" + index + ": "
                        + e.getMessage(), e);
            }
        }
        Files.delete(deletingFile);
        LOG.info("Finished the interrupted deletion of fragment {}/{}", tesseraHash, index);
    }

    /** Every indexed fragment as {@code hash/index}, read once for the start-up scan. */
    private Set<String> indexedFragments() throws IOException {
        Set<String> indexed = new HashSet<>();
        try (Connection connection = database.getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT tessera_hash, fragment_index FROM fragments")) {
            while (rows.next()) {
                indexed.add(rows.getString(1) + "/" + rows.getInt(2));
            }
            return indexed;
        } catch (SQLException e) {
            throw new IOException("cannot read the fragment index: " + e.getMessage(), e);
        }
    }

    /** Indexes a fragment file that lost its row in a crash if it fits its plan; otherwise removes it. */
    private boolean adoptOrphan(ContentHash tesseraHash, int index, Path file) throws IOException {
        Optional<FragmentPlan> plan = plan(tesseraHash);
        String refusal = null;
        ContentHash checksum = null;
        if (plan.isEmpty()) {
            refusal = "its tessera has no recorded plan";
        } else if (index >= plan.get().totalShards()) {
            refusal = "the plan has only " + plan.get().totalShards() + " shards";
        } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            refusal = "it is not a regular file";
        } else if (Files.size(file) != plan.get().shardSize()) {
            refusal = "it has " + Files.size(file) + " bytes but the plan's shard size is " + plan.get().shardSize();
        } else {
            checksum = hashFile(file);
            if (plan.get().dataShards() == 1 && index == 0 && !checksum.equals(tesseraHash)) {
                refusal = "its bytes hash to " + checksum + ", not to the tessera";
            }
        }
        if (refusal != null) {
            Files.delete(file);
            LOG.warn("Removed orphan fragment file {}: {}", file, refusal);
            return false;
        }
        FragmentId id = new FragmentId(tesseraHash, index, plan.get().totalShards(), checksum);
        StoredFragment stored = new StoredFragment(id, plan.get().isParity(index), plan.get().shardSize(),
                Files.getLastModifiedTime(file).toInstant(), Optional.empty(), Optional.empty());
        try (Connection connection = database.getConnection()) {
            writeRow(connection, stored, false);
        } catch (SQLException e) {
            throw new IOException("cannot re-index fragment " + id + ": " + e.getMessage(), e);
        }
        LOG.info("Re-indexed fragment {} found without its row (checksum {})", id, checksum);
        return true;
    }

    private void reconcileRows(int[] counts) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement select = connection.createStatement();
                ResultSet result = select.executeQuery("SELECT " + ROW_COLUMNS + ROW_FROM)) {
            while (result.next()) {
                rows.add(row(result));
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the fragment index: " + e.getMessage(), e);
        }
        for (Row row : rows) {
            ContentHash tesseraHash = row.id().tesseraHash();
            int index = row.id().index();
            boolean present = Files.isRegularFile(shardPath(tesseraHash, index));
            if (!present && !row.lost()) {
                markLost(tesseraHash, index);
                counts[4]++;
            } else if (present && row.lost() && verify(tesseraHash, index) != FragmentCheck.MISSING) {
                counts[5]++;
            }
        }
        if (counts[4] > 0) {
            LOG.warn("{} fragment(s) lost their files; they are listed for repair", counts[4]);
        }
    }
}
