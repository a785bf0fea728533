package org.tesseras.db.derby.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Failures;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The node database: embedded Derby behind a HikariCP pool, its schema migrated at activation, published as the
 * {@code (tesseras.db=node)} DataSource. Deactivation closes the pool and shuts the database down, leaving no lock.
 */
@Component(service = DataSource.class, configurationPid = DatabaseConfiguration.PID, immediate = true,
        property = DerbyNodeDataSource.SERVICE_PROPERTY + "=" + DerbyNodeDataSource.SERVICE_VALUE)
@Designate(ocd = DatabaseConfiguration.class)
public final class DerbyNodeDataSource implements DataSource {
    /** Service property that tells the node database from any other DataSource. */
    public static final String SERVICE_PROPERTY = "tesseras.db";
    /** Value of {@link #SERVICE_PROPERTY} on the node database. */
    public static final String SERVICE_VALUE = "node";

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(DerbyNodeDataSource.class);
    private static final String MEMORY_PREFIX = "memory:";
    private static final String DATABASE_SHUT_DOWN = "08006";

    private final String databaseName;
    private final HikariDataSource pool;

    /** Opens (creating if needed) and migrates the configured database. */
    @Activate
    public DerbyNodeDataSource(DatabaseConfiguration config) throws SQLException {
        this(resolveDatabase(config.database()), config.maxPoolSize(), config.connectionTimeoutMillis(),
                SchemaMigrations.NODE_SCHEMA);
    }

    DerbyNodeDataSource(String databaseName, int maxPoolSize, long connectionTimeoutMillis,
            List<SchemaMigrations.Migration> migrations) throws SQLException {
        this.databaseName = databaseName;
        checkPool(maxPoolSize, connectionTimeoutMillis);
        keepDerbyLogBeside(databaseName);
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(databaseName);
        derby.setCreateDatabase("create");

        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tesseras-db");
        hikari.setDataSource(derby);
        hikari.setMaximumPoolSize(maxPoolSize);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(connectionTimeoutMillis);
        hikari.setAutoCommit(true);
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource opened;
        try {
            opened = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            shutDown(databaseName);
            throw new SQLException("cannot open the node database " + databaseName + ": " + Failures.rootMessage(e)
                    + " (another process may be using it; check org.tesseras.db database)", e);
        }
        this.pool = opened;
        try (Connection connection = pool.getConnection()) {
            int applied = LegacySchema.migrate(connection, migrations);
            if (applied > 0) {
                LOG.info("Node database {}: {} migration(s) of the node schema applied", databaseName, applied);
            }
            LOG.info("Node database {} open; each adapter brings its own tables", databaseName);
        } catch (SQLException | RuntimeException e) {
            close();
            LOG.error("Node database {} unavailable: {}", databaseName, e.getMessage());
            throw e;
        }
    }

    /** Closes the pool and shuts the Derby database down so that no lock is left behind. */
    @Deactivate
    public void close() {
        pool.close();
        shutDown(databaseName);
        LOG.info("Node database {} closed", databaseName);
    }

    /** The Derby database name in use: a directory path or {@code memory:NAME}. */
    public String databaseName() {
        return databaseName;
    }

    /**
     * Derby writes {@code derby.log} into the working directory unless told otherwise; an on-disk database
     * keeps it beside itself (a setting made elsewhere wins).
     */
    private static void keepDerbyLogBeside(String databaseName) {
        if (!databaseName.startsWith(MEMORY_PREFIX) && System.getProperty("derby.stream.error.file") == null) {
            Path parent = Path.of(databaseName).toAbsolutePath().getParent();
            if (parent != null) {
                try {
                    // on a first start the directory is not there yet, and Derby would print a stack trace
                    Files.createDirectories(parent);
                } catch (IOException e) {
                    LOG.warn("Cannot create {} for derby.log: {}", parent, e.toString());
                }
                System.setProperty("derby.stream.error.file", parent.resolve("derby.log").toString());
            }
        }
    }

    static String resolveDatabase(String configured) {
        String database = configured == null ? "" : configured.strip();
        if (database.isEmpty()) {
            return Path.of(System.getProperty("karaf.data", "data"), "tesseras", "db").toAbsolutePath().toString();
        }
        if (database.startsWith(MEMORY_PREFIX)) {
            String name = database.substring(MEMORY_PREFIX.length());
            if (name.isBlank() || name.contains(";")) {
                throw new IllegalArgumentException("org.tesseras.db database must be memory:NAME with a non-empty"
                        + " name and no ';', got '" + configured + "'");
            }
            return database;
        }
        if (database.contains(";")) {
            throw new IllegalArgumentException("org.tesseras.db database must be a directory without ';', got '"
                    + configured + "'");
        }
        return Path.of(database).toAbsolutePath().normalize().toString();
    }

    private static void checkPool(int maxPoolSize, long connectionTimeoutMillis) {
        if (maxPoolSize < 1 || maxPoolSize > 100) {
            throw new IllegalArgumentException("org.tesseras.db maxPoolSize must be 1..100, got " + maxPoolSize);
        }
        if (connectionTimeoutMillis < 250) {
            throw new IllegalArgumentException("org.tesseras.db connectionTimeoutMillis must be >= 250, got "
                    + connectionTimeoutMillis);
        }
    }

    private static void shutDown(String databaseName) {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(databaseName);
        shutdown.setShutdownDatabase("shutdown");
        try {
            shutdown.getConnection().close();
            LOG.warn("Derby database {} did not report its shutdown", databaseName);
        } catch (SQLException e) {
            if (DATABASE_SHUT_DOWN.equals(e.getSQLState())) {
                LOG.debug("Derby database {} shut down", databaseName);
            } else if ("XJ004".equals(e.getSQLState())) {
                LOG.debug("Derby database {} was not booted", databaseName);
            } else {
                LOG.warn("Derby database {} did not shut down cleanly: {} (SQLState {})", databaseName,
                        e.getMessage(), e.getSQLState());
            }
        }
    }


    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the node database takes no credentials; use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the node database logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("the node database is not a " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
