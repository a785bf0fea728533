package org.tesseras.holders.derby.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.HolderStatus;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.db.derby.Transactions;
import org.tesseras.db.derby.UtcTimes;

/** The holder registry in the node database: tables {@code holders}, {@code holder_fragments}, {@code tessera_health}. */
@Component(service = HolderRegistry.class)
public final class DerbyHolderRegistry implements HolderRegistry {

    private final DataSource database;

    @Activate
    public DerbyHolderRegistry(@Reference(target = "(tesseras.db=node)") DataSource database) {
        this.database = database;
        HoldersSchema.migrate(database);
    }

    @Override
    public void recordFragments(ContentHash tesseraHash, Contact holder, Collection<Integer> indices) {
        inTransaction("recording fragments " + indices + " of " + tesseraHash + " on " + holder, connection -> {
            String address = format(holder.address());
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE holders SET address = ?, subnet = ? WHERE tessera_hash = ? AND node_id = ?")) {
                update.setString(1, address);
                update.setString(2, holder.subnet());
                update.setString(3, tesseraHash.hex());
                update.setString(4, holder.id().hex());
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO holders"
                            + " (tessera_hash, node_id, address, subnet, last_seen) VALUES (?, ?, ?, ?, ?)")) {
                        insert.setString(1, tesseraHash.hex());
                        insert.setString(2, holder.id().hex());
                        insert.setString(3, address);
                        insert.setString(4, holder.subnet());
                        UtcTimes.set(insert, 5, Instant.now());
                        insert.executeUpdate();
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO holder_fragments (tessera_hash, node_id, fragment_index)"
                            + " SELECT ?, ?, ? FROM SYSIBM.SYSDUMMY1 WHERE NOT EXISTS (SELECT 1 FROM holder_fragments"
                            + " WHERE tessera_hash = ? AND node_id = ? AND fragment_index = ?)")) {
                for (int index : indices) {
                    insert.setString(1, tesseraHash.hex());
                    insert.setString(2, holder.id().hex());
                    insert.setInt(3, index);
                    insert.setString(4, tesseraHash.hex());
                    insert.setString(5, holder.id().hex());
                    insert.setInt(6, index);
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void forgetFragments(ContentHash tesseraHash, NodeId holder, Collection<Integer> indices) {
        inTransaction("forgetting fragments " + indices + " of " + tesseraHash + " on " + holder, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM holder_fragments WHERE tessera_hash = ? AND node_id = ? AND fragment_index = ?")) {
                for (int index : indices) {
                    delete.setString(1, tesseraHash.hex());
                    delete.setString(2, holder.hex());
                    delete.setInt(3, index);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            try (PreparedStatement drop = connection.prepareStatement(
                    "DELETE FROM holders h WHERE h.tessera_hash = ? AND h.node_id = ? AND NOT EXISTS (SELECT 1 FROM"
                            + " holder_fragments f WHERE f.tessera_hash = h.tessera_hash AND f.node_id = h.node_id)")) {
                drop.setString(1, tesseraHash.hex());
                drop.setString(2, holder.hex());
                drop.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<HolderStatus> holders(ContentHash tesseraHash) {
        return inTransaction("reading the holders of " + tesseraHash, connection -> {
            Map<String, Row> rows = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT h.node_id, h.address, h.last_attested, h.last_seen, h.failed_attestations, f.fragment_index"
                            + " FROM holders h LEFT JOIN holder_fragments f"
                            + " ON f.tessera_hash = h.tessera_hash AND f.node_id = h.node_id"
                            + " WHERE h.tessera_hash = ? ORDER BY h.node_id, f.fragment_index")) {
                select.setString(1, tesseraHash.hex());
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        Row row = rows.computeIfAbsent(result.getString(1), node -> new Row());
                        row.address = result.getString(2);
                        row.lastAttested = UtcTimes.get(result, 3);
                        row.lastSeen = UtcTimes.get(result, 4);
                        row.failed = result.getInt(5);
                        int index = result.getInt(6);
                        if (!result.wasNull()) {
                            row.indices.add(index);
                        }
                    }
                }
            }
            List<HolderStatus> holders = new ArrayList<>();
            for (Map.Entry<String, Row> entry : rows.entrySet()) {
                Row row = entry.getValue();
                Holder holder = new Holder(NodeId.of(entry.getKey().trim()), parse(row.address), row.indices);
                holders.add(new HolderStatus(holder, row.lastAttested, row.lastSeen, row.failed));
            }
            return holders;
        });
    }

    @Override
    public int recordAttestation(ContentHash tesseraHash, NodeId holder, boolean verified, Instant at) {
        return inTransaction("recording an attestation of " + tesseraHash + " by " + holder, connection -> {
            String sql = verified
                    ? "UPDATE holders SET failed_attestations = 0, last_attested = ?, last_seen = ?"
                            + " WHERE tessera_hash = ? AND node_id = ?"
                    : "UPDATE holders SET failed_attestations = failed_attestations + 1"
                            + " WHERE tessera_hash = ? AND node_id = ?";
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                int p = 1;
                if (verified) {
                    UtcTimes.set(update, p++, at);
                    UtcTimes.set(update, p++, at);
                }
                update.setString(p++, tesseraHash.hex());
                update.setString(p, holder.hex());
                update.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT failed_attestations FROM holders WHERE tessera_hash = ? AND node_id = ?")) {
                select.setString(1, tesseraHash.hex());
                select.setString(2, holder.hex());
                try (ResultSet result = select.executeQuery()) {
                    return result.next() ? result.getInt(1) : 0;
                }
            }
        });
    }

    @Override
    public void recordSeen(ContentHash tesseraHash, NodeId holder, Instant at) {
        inTransaction("recording " + holder + " as seen", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE holders SET last_seen = ? WHERE tessera_hash = ? AND node_id = ?")) {
                UtcTimes.set(update, 1, at);
                update.setString(2, tesseraHash.hex());
                update.setString(3, holder.hex());
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<ContentHash> tesseras() {
        return inTransaction("listing tesseras with holders", connection -> {
            List<ContentHash> hashes = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT DISTINCT tessera_hash FROM holders ORDER BY tessera_hash");
                    ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    hashes.add(ContentHash.of(result.getString(1)));
                }
            }
            return hashes;
        });
    }

    @Override
    public void recordHealth(HealthRecord record) {
        inTransaction("recording the health of " + record.tesseraHash(), connection -> {
            String action = HealthText.format(record.action());
            String detail = truncate(record.detail(), 2000);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tessera_health SET action = ?, checked_at = ?, detail = ? WHERE tessera_hash = ?")) {
                update.setString(1, action);
                UtcTimes.set(update, 2, record.checkedAt());
                update.setString(3, detail);
                update.setString(4, record.tesseraHash().hex());
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tessera_health"
                            + " (tessera_hash, action, checked_at, detail) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, record.tesseraHash().hex());
                        insert.setString(2, action);
                        UtcTimes.set(insert, 3, record.checkedAt());
                        insert.setString(4, detail);
                        insert.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Optional<HealthRecord> lastHealth(ContentHash tesseraHash) {
        return inTransaction("reading the health of " + tesseraHash, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT action, checked_at, detail FROM tessera_health WHERE tessera_hash = ?")) {
                select.setString(1, tesseraHash.hex());
                try (ResultSet result = select.executeQuery()) {
                    if (!result.next()) {
                        return Optional.empty();
                    }
                    RepairAction action = HealthText.parse(result.getString(1));
                    return Optional.of(new HealthRecord(tesseraHash, action, UtcTimes.get(result, 2).orElseThrow(),
                            result.getString(3)));
                }
            }
        });
    }

    /** Runs {@code work} in one transaction, again when a concurrent insert won a race. */
    private <T> T inTransaction(String what, Transactions.Work<T> work) {
        try {
            return Transactions.inTransactionRetryingInsertRaces(database, work);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(address.substring(colon + 1)));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalStateException("holder address '" + address + "' in the database is unreadable", e);
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static final class Row {
        String address;
        Optional<Instant> lastAttested = Optional.empty();
        Optional<Instant> lastSeen = Optional.empty();
        int failed;
        final List<Integer> indices = new ArrayList<>();
    }
}
