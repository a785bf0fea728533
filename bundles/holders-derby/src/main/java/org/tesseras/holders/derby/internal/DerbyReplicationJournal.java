package org.tesseras.holders.derby.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.RepairRound;
import org.tesseras.api.port.ReplicationJournal;
import org.tesseras.db.derby.Transactions;
import org.tesseras.db.derby.UtcTimes;

/** The replication journal in the node database: tables {@code put_journal} and {@code repair_rounds}. */
@Component(service = ReplicationJournal.class)
public final class DerbyReplicationJournal implements ReplicationJournal {
    private static final int SOURCE_CHARS = 4000;
    private static final int TEXT_CHARS = 2000;
    private static final String PUT_COLUMNS = "id, source, size_bytes, tessera_hash, started_at, ended_at, outcome";

    private final DataSource database;

    @Activate
    public DerbyReplicationJournal(@Reference(target = "(tesseras.db=node)") DataSource database) {
        this.database = Objects.requireNonNull(database, "database");
        HoldersSchema.migrate(database);
    }

    @Override
    public long putStarted(String source, long sizeBytes) {
        Objects.requireNonNull(source, "source");
        return inTransaction("recording the put of " + source, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO put_journal (source, size_bytes,"
                    + " started_at) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, truncate(source, SOURCE_CHARS));
                insert.setLong(2, sizeBytes);
                UtcTimes.set(insert, 3, Instant.now());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    @Override
    public void putStored(long putId, ContentHash tesseraHash) {
        update("recording the tessera of put " + putId, "UPDATE put_journal SET tessera_hash = ? WHERE id = ?",
                tesseraHash.hex(), putId);
    }

    @Override
    public void putEnded(long putId, String outcome) {
        inTransaction("ending put " + putId, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE put_journal SET ended_at = ?, outcome = ? WHERE id = ?")) {
                UtcTimes.set(update, 1, Instant.now());
                update.setString(2, truncate(outcome, TEXT_CHARS));
                update.setLong(3, putId);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<PutRecord> unfinishedPuts() {
        return puts("SELECT " + PUT_COLUMNS + " FROM put_journal WHERE ended_at IS NULL ORDER BY id", Integer.MAX_VALUE);
    }

    @Override
    public List<PutRecord> recentPuts(int count) {
        return puts("SELECT " + PUT_COLUMNS + " FROM put_journal ORDER BY id DESC", count);
    }

    private List<PutRecord> puts(String sql, int max) {
        return inTransaction("reading the put journal", connection -> {
            List<PutRecord> puts = new ArrayList<>();
            try (Statement select = connection.createStatement()) {
                if (max < Integer.MAX_VALUE) {
                    select.setMaxRows(max);
                }
                try (ResultSet rows = select.executeQuery(sql)) {
                    while (rows.next()) {
                        String tessera = rows.getString("tessera_hash");
                        puts.add(new PutRecord(rows.getLong("id"), rows.getString("source"), rows.getLong("size_bytes"),
                                tessera == null ? Optional.empty() : Optional.of(ContentHash.of(tessera)),
                                UtcTimes.get(rows, "started_at").orElseThrow(), UtcTimes.get(rows, "ended_at"),
                                rows.getString("outcome")));
                    }
                }
            }
            return puts;
        });
    }

    @Override
    public void repairRoundEnded(RepairRound round) {
        inTransaction("recording the repair round of " + round.startedAt(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO repair_rounds (started_at,"
                    + " ended_at, tesseras, repaired, lost, failed, note) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                UtcTimes.set(insert, 1, round.startedAt());
                UtcTimes.set(insert, 2, round.endedAt());
                insert.setInt(3, round.tesseras());
                insert.setInt(4, round.repaired());
                insert.setInt(5, round.lost());
                insert.setInt(6, round.failed());
                insert.setString(7, truncate(round.note(), TEXT_CHARS));
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<RepairRound> lastRepairRound() {
        return inTransaction("reading the last repair round", connection -> {
            try (Statement select = connection.createStatement()) {
                select.setMaxRows(1);
                try (ResultSet rows = select.executeQuery("SELECT started_at, ended_at, tesseras, repaired, lost,"
                        + " failed, note FROM repair_rounds ORDER BY started_at DESC")) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new RepairRound(UtcTimes.get(rows, 1).orElseThrow(),
                            UtcTimes.get(rows, 2).orElseThrow(), rows.getInt(3), rows.getInt(4), rows.getInt(5),
                            rows.getInt(6), rows.getString(7)));
                }
            }
        });
    }

    private void update(String what, String sql, String text, long id) {
        inTransaction(what, connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setString(1, text);
                update.setLong(2, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    private <T> T inTransaction(String what, Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(database, work);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")",
                    e);
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
