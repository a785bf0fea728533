package org.tesseras.storage.fs.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.db.derby.AdapterSchema;
import org.tesseras.db.derby.Transactions;
import org.tesseras.db.derby.UtcTimes;

/**
 * The Derby index of the fragment files: one row per held fragment, one plan and one manifest per tessera.
 * It mirrors the disk and can be rebuilt from it; every method here is plain SQL, the files are not touched.
 */
final class FragmentIndex {
    private static final String ROW_COLUMNS = "f.tessera_hash, f.fragment_index, f.is_parity, f.checksum,"
            + " f.size_bytes, f.stored_at, f.last_verified, f.origin_peer, f.lost_at,"
            + " p.data_shards + p.parity_shards AS total_shards";
    private static final String ROW_FROM = " FROM fragments f JOIN fragment_plans p ON p.tessera_hash = f.tessera_hash";

    /** This adapter's tables in the node database, brought by this bundle. */
    static final List<AdapterSchema.Script> SCHEMA = List.of(
            new AdapterSchema.Script(1, "fragments", "/db/storage-fs/001_fragments.sql"));
    /** The adapter's name in the node database's {@code adapter_schema}. */
    static final String ADAPTER = "storage-fs";

    private final DataSource database;

    /** The index over the node database, its tables brought up to date first. */
    FragmentIndex(DataSource database) {
        this.database = database;
        AdapterSchema.migrate(database, ADAPTER, FragmentIndex.class, SCHEMA);
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(String what, Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(database, work);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Runs {@code work} on a connection of its own, without a transaction. */
    <T> T read(String what, Transactions.Work<T> work) {
        try (Connection connection = database.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    // ---- fragment rows ----

    /** A {@code fragments} row joined with its plan's stripe width. */
    record Row(FragmentId id, boolean parity, long sizeBytes, Instant storedAt, Optional<Instant> lastVerified,
            Optional<NodeId> originPeer, Optional<Instant> lostAt) {
        boolean lost() {
            return lostAt.isPresent();
        }

        ContentHash checksum() {
            return id.checksum();
        }

        /** Whether {@code manifest} explains this row: same stripe, shard size and checksum for its index. */
        boolean fits(TesseraManifest manifest) {
            return id.totalShards() == manifest.plan().totalShards() && sizeBytes == manifest.plan().shardSize()
                    && checksum().equals(manifest.checksum(id.index()));
        }

        StoredFragment stored() {
            return new StoredFragment(id, parity, sizeBytes, storedAt, lastVerified, originPeer);
        }
    }

    static Optional<Row> row(Connection connection, ContentHash tesseraHash, int index) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + ROW_COLUMNS + ROW_FROM
                + " WHERE f.tessera_hash = ? AND f.fragment_index = ?")) {
            select.setString(1, tesseraHash.hex());
            select.setInt(2, index);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(row(rows)) : Optional.empty();
            }
        }
    }

    /** The rows of one tessera (lost ones too when {@code withLost}), by index. */
    static List<Row> rows(Connection connection, ContentHash tesseraHash, boolean withLost) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + ROW_COLUMNS + ROW_FROM
                + " WHERE f.tessera_hash = ?" + (withLost ? "" : " AND f.lost_at IS NULL")
                + " ORDER BY f.fragment_index")) {
            select.setString(1, tesseraHash.hex());
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        }
        return rows;
    }

    /** Every row, lost ones included; {@code lostOnly} keeps only those. */
    static List<Row> allRows(Connection connection, boolean lostOnly) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement select = connection.createStatement();
                ResultSet result = select.executeQuery("SELECT " + ROW_COLUMNS + ROW_FROM
                        + (lostOnly ? " WHERE f.lost_at IS NOT NULL" : "")
                        + " ORDER BY f.tessera_hash, f.fragment_index")) {
            while (result.next()) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    /** Every indexed fragment as {@code hash/index}. */
    static Set<String> indexedKeys(Connection connection) throws SQLException {
        Set<String> indexed = new HashSet<>();
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT tessera_hash, fragment_index FROM fragments")) {
            while (rows.next()) {
                indexed.add(rows.getString(1) + "/" + rows.getInt(2));
            }
        }
        return indexed;
    }

    static void writeRow(Connection connection, StoredFragment stored, String path, boolean replace)
            throws SQLException {
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
            statement.setString(4, path);
            UtcTimes.set(statement, 5, stored.storedAt());
            statement.setString(6, stored.originPeer().map(NodeId::hex).orElse(null));
            statement.setString(7, id.tesseraHash().hex());
            statement.setInt(8, id.index());
            statement.executeUpdate();
        }
    }

    static int deleteRow(Connection connection, ContentHash tesseraHash, int index) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM fragments WHERE tessera_hash = ? AND fragment_index = ?")) {
            delete.setString(1, tesseraHash.hex());
            delete.setInt(2, index);
            return delete.executeUpdate();
        }
    }

    /** Marks a row lost (its file is gone) unless it is already; true if it changed. */
    static boolean markLost(Connection connection, ContentHash tesseraHash, int index, Instant at)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE fragments SET lost_at = ?"
                + " WHERE tessera_hash = ? AND fragment_index = ? AND lost_at IS NULL")) {
            UtcTimes.set(update, 1, at);
            update.setString(2, tesseraHash.hex());
            update.setInt(3, index);
            return update.executeUpdate() > 0;
        }
    }

    /** Records a check: when, and whether the file was missing (lost since {@code lostAt}) or present. */
    static void recordCheck(Connection connection, ContentHash tesseraHash, int index, Instant at,
            Optional<Instant> lostAt) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE fragments SET last_verified = ?,"
                + " lost_at = ? WHERE tessera_hash = ? AND fragment_index = ?")) {
            UtcTimes.set(update, 1, at);
            UtcTimes.set(update, 2, lostAt);
            update.setString(3, tesseraHash.hex());
            update.setInt(4, index);
            update.executeUpdate();
        }
    }

    private static Row row(ResultSet rows) throws SQLException {
        ContentHash tesseraHash = ContentHash.of(rows.getString("tessera_hash"));
        FragmentId id = new FragmentId(tesseraHash, rows.getInt("fragment_index"), rows.getInt("total_shards"),
                ContentHash.of(rows.getString("checksum")));
        String origin = rows.getString("origin_peer");
        return new Row(id, rows.getBoolean("is_parity"), rows.getLong("size_bytes"),
                UtcTimes.get(rows, "stored_at").orElseThrow(), UtcTimes.get(rows, "last_verified"),
                origin == null ? Optional.empty() : Optional.of(NodeId.of(origin)), UtcTimes.get(rows, "lost_at"));
    }

    // ---- plans ----

    static Optional<FragmentPlan> plan(Connection connection, ContentHash tesseraHash) throws SQLException {
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

    /**
     * Records {@code plan} if the tessera has none and returns empty; returns the recorded plan when there is
     * one already (equal or not: the caller judges).
     */
    static Optional<FragmentPlan> insertPlanIfAbsent(Connection connection, FragmentPlan plan) throws SQLException {
        Optional<FragmentPlan> recorded = plan(connection, plan.tesseraHash());
        if (recorded.isPresent()) {
            return recorded;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fragment_plans (tessera_hash,"
                + " tessera_size, tier, data_shards, parity_shards, shard_size, replication_factor, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, plan.tesseraHash().hex());
            setPlan(insert, plan, 2);
            UtcTimes.set(insert, 8, Instant.now());
            insert.executeUpdate();
            return Optional.empty();
        } catch (SQLException e) {
            if (!Transactions.isDuplicateKey(e)) {
                throw e;
            }
            return plan(connection, plan.tesseraHash());
        }
    }

    /** Overwrites the recorded plan of a tessera (its fragment rows must fit it already). */
    static void updatePlan(Connection connection, FragmentPlan plan) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE fragment_plans SET tessera_size = ?,"
                + " tier = ?, data_shards = ?, parity_shards = ?, shard_size = ?, replication_factor = ?"
                + " WHERE tessera_hash = ?")) {
            setPlan(update, plan, 1);
            update.setString(7, plan.tesseraHash().hex());
            update.executeUpdate();
        }
    }

    private static void setPlan(PreparedStatement statement, FragmentPlan plan, int first) throws SQLException {
        statement.setLong(first, plan.tesseraSize());
        statement.setString(first + 1, plan.tier().name());
        statement.setInt(first + 2, plan.dataShards());
        statement.setInt(first + 3, plan.parityShards());
        statement.setLong(first + 4, plan.shardSize());
        statement.setInt(first + 5, plan.replicationFactor());
    }

    /** Tesseras with a recorded plan, in hash order. */
    static List<ContentHash> tesseras(Connection connection) throws SQLException {
        List<ContentHash> tesseras = new ArrayList<>();
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery("SELECT tessera_hash FROM fragment_plans ORDER BY tessera_hash")) {
            while (rows.next()) {
                tesseras.add(ContentHash.of(rows.getString(1)));
            }
        }
        return tesseras;
    }

    // ---- manifests ----

    static Optional<TesseraManifest> manifest(Connection connection, ContentHash tesseraHash) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT encoded FROM manifests WHERE tessera_hash = ?")) {
            select.setString(1, tesseraHash.hex());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(TesseraManifest.decode(rows.getBytes(1))) : Optional.empty();
            }
        }
    }

    /** Removes a tessera's manifest and plan rows, and the rows of its lost fragments (no other may be left). */
    static void deleteTessera(Connection connection, ContentHash tesseraHash) throws SQLException {
        for (String table : new String[] {"fragments", "manifests", "fragment_plans"}) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                    + " WHERE tessera_hash = ?")) {
                delete.setString(1, tesseraHash.hex());
                delete.executeUpdate();
            }
        }
    }

    /** Writes the manifest row, inserting or replacing it. */
    static void putManifest(Connection connection, TesseraManifest manifest) throws SQLException {
        int updated;
        try (PreparedStatement update = connection.prepareStatement("UPDATE manifests SET owner_id = ?, codec = ?,"
                + " created_at = ?, encoded = ? WHERE tessera_hash = ?")) {
            setManifest(update, manifest);
            updated = update.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO manifests (owner_id, codec,"
                    + " created_at, encoded, tessera_hash) VALUES (?, ?, ?, ?, ?)")) {
                setManifest(insert, manifest);
                insert.executeUpdate();
            }
        }
    }

    private static void setManifest(PreparedStatement statement, TesseraManifest manifest) throws SQLException {
        statement.setString(1, manifest.owner().hex());
        statement.setString(2, manifest.codecId());
        UtcTimes.set(statement, 3, Instant.ofEpochMilli(manifest.createdAtMillis()));
        statement.setBytes(4, manifest.encode());
        statement.setString(5, manifest.tesseraHash().hex());
    }

    // ---- usage ----

    /** The count and total size of the fragments held (not lost). */
    static long[] countAndBytes(Connection connection) throws SQLException {
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(
                        "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM fragments WHERE lost_at IS NULL")) {
            rows.next();
            return new long[] {rows.getLong(1), rows.getLong(2)};
        }
    }

    // ---- values ----

    static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("fragment index failed " + what + ": " + e.getMessage() + " (SQLState "
                + e.getSQLState() + ")", e);
    }
}
