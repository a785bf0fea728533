package org.tesseras.ledger.derby.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.db.derby.AdapterSchema;
import org.tesseras.db.derby.Transactions;
import org.tesseras.db.derby.UtcTimes;

/**
 * The reciprocity ledger in the node database's {@code reciprocity} table; the balance is a generated column, so it
 * can never disagree with the two counters.
 *
 * <p>Each increment is applied by exactly one atomic statement: {@code UPDATE ... SET c = c + ?} on a known peer, or
 * the {@code INSERT} of a new one; an insert that loses the race for a new peer (23505) runs the update again.
 * Derby's {@code MERGE} is not used: in 10.16.1.1 concurrent {@code MERGE ... WHEN MATCHED THEN UPDATE SET c = c + ?}
 * on one row loses updates (16 threads x 1,000 increments summed to about 1,800), and under repeatable read it fails
 * with 21000 instead.
 *
 * <p>Which subnet each peer counts in is kept in the table {@code reciprocity_subnet} (this adapter's migration 2);
 * the sums per subnet join it with {@code reciprocity}. A peer we store bytes for, or that owes us, keeps its
 * subnet when it connects from another one, so no debt leaves the subnet it was made in.
 */
@Component(service = ReciprocityLedger.class)
public final class DerbyReciprocityLedger implements ReciprocityLedger {
    private static final Logger LOG = LoggerFactory.getLogger(DerbyReciprocityLedger.class);

    /** How often one increment is tried when Derby reports a transient conflict. */
    static final int MAX_ATTEMPTS = 50;
    /** Duplicate key (two inserts raced for a new peer), deadlock and lock timeout: nothing was applied, run again. */
    private static final Set<String> RETRYABLE = Set.of(Transactions.DUPLICATE_KEY, "40001", "40XL1");

    private static final String STORED_FOR_THEM = "bytes_stored_for_them";
    private static final String THEY_STORE_FOR_US = "bytes_they_store_for_us";
    private static final String COLUMNS = "SELECT peer_id, bytes_stored_for_them, bytes_they_store_for_us,"
            + " last_updated FROM reciprocity";

    private static final String SUBNET_SUM = "SELECT COALESCE(SUM(r.%s), 0) FROM reciprocity r"
            + " JOIN reciprocity_subnet s ON s.peer_id = r.peer_id WHERE s.subnet = ?";

    private final DataSource database;
    private final LongAdder retries = new LongAdder();
    /** The subnet written for each peer, so that a push from its known place costs no query. */
    private final Map<NodeId, String> placed = new ConcurrentHashMap<>();

    /** This adapter's tables in the node database, brought by this bundle. */
    static final List<AdapterSchema.Script> SCHEMA = List.of(
            new AdapterSchema.Script(1, "reciprocity", "/db/ledger-derby/001_reciprocity.sql"),
            new AdapterSchema.Script(2, "peer subnets", "/db/ledger-derby/002_subnets.sql"));

    /** A ledger over the node database, its tables brought up to date first. */
    @Activate
    public DerbyReciprocityLedger(@Reference(name = "database", target = "(tesseras.db=node)") DataSource database) {
        this.database = Objects.requireNonNull(database, "database");
        AdapterSchema.migrate(database, "ledger-derby", DerbyReciprocityLedger.class, SCHEMA);
    }

    @Override
    public synchronized String placeInSubnet(NodeId peer, String subnet) {
        Objects.requireNonNull(peer, "peer");
        if (subnet == null || subnet.isBlank() || subnet.length() > 64) {
            throw new IllegalArgumentException("subnet of peer " + peer + " must be 1..64 characters, got " + subnet);
        }
        if (subnet.equals(placed.get(peer))) {
            return subnet;
        }
        Optional<String> current = placedSubnet(peer);
        if (current.isPresent() && !current.get().equals(subnet) && owesOrIsServed(peer)) {
            LOG.debug("Peer {} connects from {} but stays counted in {}, where we store bytes for it or it owes us",
                    peer, subnet, current.get());
            return current.get();
        }
        if (current.isEmpty() || !current.get().equals(subnet)) {
            runWithRetry(peer, () -> {
                try (Connection connection = database.getConnection()) {
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE reciprocity_subnet SET subnet = ? WHERE peer_id = ?")) {
                        update.setString(1, subnet);
                        update.setString(2, peer.hex());
                        if (update.executeUpdate() > 0) {
                            return;
                        }
                    }
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO reciprocity_subnet (peer_id, subnet) VALUES (?, ?)")) {
                        insert.setString(1, peer.hex());
                        insert.setString(2, subnet);
                        insert.executeUpdate();
                    }
                }
            });
        }
        placed.put(peer, subnet);
        return subnet;
    }

    private Optional<String> placedSubnet(NodeId peer) {
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT subnet FROM reciprocity_subnet WHERE peer_id = ?")) {
            select.setString(1, peer.hex());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the subnet of peer " + peer + ": " + e.getMessage(), e);
        }
    }

    private boolean owesOrIsServed(NodeId peer) {
        return bytesStoredFor(peer) > 0 || balance(peer) < 0;
    }

    @Override
    public long subnetBalance(String subnet) {
        return subnetSum("balance", subnet);
    }

    @Override
    public long bytesStoredForSubnet(String subnet) {
        return subnetSum(STORED_FOR_THEM, subnet);
    }

    private long subnetSum(String column, String subnet) {
        Objects.requireNonNull(subnet, "subnet");
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement(String.format(SUBNET_SUM, column))) {
            select.setString(1, subnet);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot sum the ledger of subnet " + subnet + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void recordStoredForPeer(NodeId peer, long bytes) {
        increment(STORED_FOR_THEM, "stored for", peer, bytes);
    }

    @Override
    public void recordPeerStoresForUs(NodeId peer, long bytes) {
        increment(THEY_STORE_FOR_US, "stored by", peer, bytes);
    }

    private void increment(String counter, String what, NodeId peer, long bytes) {
        Objects.requireNonNull(peer, "peer");
        runWithRetry(peer, () -> {
            Instant now = Instant.now();
            try (Connection connection = database.getConnection()) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE reciprocity SET " + counter
                        + " = " + counter + " + ?, last_updated = ? WHERE peer_id = ?")) {
                    update.setLong(1, bytes);
                    UtcTimes.set(update, 2, now);
                    update.setString(3, peer.hex());
                    if (update.executeUpdate() > 0) {
                        return;
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO reciprocity (peer_id, "
                        + counter + ", last_updated) VALUES (?, ?, ?)")) {
                    insert.setString(1, peer.hex());
                    insert.setLong(2, bytes);
                    UtcTimes.set(insert, 3, now);
                    insert.executeUpdate();
                }
            } catch (SQLException e) {
                if (Transactions.CHECK_VIOLATED.equals(e.getSQLState())) {
                    throw new IllegalArgumentException("cannot release " + -bytes + " bytes " + what + " peer "
                            + peer + ": more than the ledger holds", e);
                }
                throw e;
            }
        });
    }

    /** One statement against the ledger, run again while Derby reports a transient conflict. */
    @FunctionalInterface
    interface LedgerStatement {
        void run() throws SQLException;
    }

    void runWithRetry(NodeId peer, LedgerStatement statement) {
        for (int attempt = 1;; attempt++) {
            try {
                statement.run();
                return;
            } catch (SQLException e) {
                if (!RETRYABLE.contains(e.getSQLState()) || attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("ledger update for peer " + peer + " failed after " + attempt
                            + " attempt(s): " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
                }
                retries.increment();
                LOG.debug("Ledger update for peer {} raced (SQLState {}), attempt {}", peer, e.getSQLState(), attempt);
            }
        }
    }

    /** How many statements were run again after a transient conflict since activation. */
    long retries() {
        return retries.sum();
    }

    @Override
    public long balance(NodeId peer) {
        return entry(peer).map(LedgerEntry::balance).orElse(0L);
    }

    @Override
    public long bytesStoredFor(NodeId peer) {
        return entry(peer).map(LedgerEntry::bytesStoredForThem).orElse(0L);
    }

    @Override
    public Optional<LedgerEntry> entry(NodeId peer) {
        Objects.requireNonNull(peer, "peer");
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement(COLUMNS + " WHERE peer_id = ?")) {
            select.setString(1, peer.hex());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(entry(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger entry of peer " + peer + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<LedgerEntry> bestPeers(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("best peers count must be >= 0, got " + count);
        }
        return count == 0 ? List.of() : select(count);
    }

    @Override
    public List<LedgerEntry> entries() {
        return select(Integer.MAX_VALUE);
    }

    private List<LedgerEntry> select(int limit) {
        List<LedgerEntry> entries = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        COLUMNS + " ORDER BY balance DESC, peer_id FETCH FIRST ? ROWS ONLY")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger: " + e.getMessage(), e);
        }
    }

    private static LedgerEntry entry(ResultSet rows) throws SQLException {
        return new LedgerEntry(NodeId.of(rows.getString(1)), rows.getLong(2), rows.getLong(3),
                UtcTimes.get(rows, 4).orElseThrow());
    }
}
