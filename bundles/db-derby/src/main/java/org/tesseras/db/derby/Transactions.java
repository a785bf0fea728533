package org.tesseras.db.derby;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Runs work in one JDBC transaction: committed when it returns, rolled back when it throws. */
public final class Transactions {
    /** SQLState of a unique or primary key violation: a concurrent insert won. */
    public static final String DUPLICATE_KEY = "23505";
    /** SQLState of a CHECK constraint violation. */
    public static final String CHECK_VIOLATED = "23513";
    private static final int MAX_ATTEMPTS = 5;

    private Transactions() {
    }

    /** Work on one connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Whether {@code e} reports that a concurrent insert of the same key won. */
    public static boolean isDuplicateKey(SQLException e) {
        return DUPLICATE_KEY.equals(e.getSQLState());
    }

    /** Runs {@code work} in one transaction on a connection of its own. */
    public static <T> T inTransaction(DataSource database, Work<T> work) throws SQLException {
        try (Connection connection = database.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * As {@link #inTransaction}, run again (up to 5 times) when it failed because a concurrent transaction
     * inserted the same key first: "update, else insert" work then finds the row and updates it.
     */
    public static <T> T inTransactionRetryingInsertRaces(DataSource database, Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(database, work);
            } catch (SQLException e) {
                if (!isDuplicateKey(e) || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
