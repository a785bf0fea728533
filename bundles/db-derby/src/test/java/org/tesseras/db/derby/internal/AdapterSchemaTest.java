package org.tesseras.db.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tesseras.db.derby.AdapterSchema;

/** Each adapter's own tables, brought by its scripts and applied by this bundle (DESIGN.md §11). */
class AdapterSchemaTest {
    static final AdapterSchema.Script NOTES = new AdapterSchema.Script(1, "notes", "/db/test-adapter/001_notes.sql");
    static final AdapterSchema.Script TAGS = new AdapterSchema.Script(2, "tags", "/db/test-adapter/002_tags.sql");

    DerbyNodeDataSource db;

    @BeforeEach
    void open() throws SQLException {
        db = TestDatabase.open("memory:adapter-schema-" + UUID.randomUUID());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aNewDatabaseHasNoTablesUntilItsAdaptersBringThem() throws SQLException {
        try (Connection c = db.getConnection()) {
            assertEquals(List.of(), List.copyOf(Schemas.tables(c)));
        }
        assertEquals(2, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, TAGS)));
        try (Connection c = db.getConnection()) {
            assertEquals(List.of("ADAPTER_SCHEMA", "TEST_NOTES", "TEST_TAGS"), List.copyOf(Schemas.tables(c)));
            assertEquals(List.of("test-adapter 1 applied", "test-adapter 2 applied"), Schemas.adapterRows(c));
        }
    }

    @Test
    void runningAgainAppliesNothingAndANewScriptIsAppliedAlone() throws SQLException {
        assertEquals(1, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES)));
        assertEquals(0, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES)));
        assertEquals(1, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, TAGS)));
        assertEquals(0, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, TAGS)));
    }

    @Test
    void adaptersCountTheirVersionsApart() throws SQLException {
        assertEquals(2, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, TAGS)));
        IllegalStateException sameTable = assertThrows(IllegalStateException.class,
                () -> AdapterSchema.migrate(db, "other-adapter", getClass(), List.of(NOTES)));
        assertTrue(sameTable.getMessage().contains("schema migration 1 of adapter other-adapter"),
                sameTable.getMessage());
        try (Connection c = db.getConnection()) {
            assertEquals(List.of("test-adapter 1 applied", "test-adapter 2 applied"), Schemas.adapterRows(c),
                    "a failed migration of one adapter leaves no row, and the other's rows are its own");
        }
    }

    @Test
    void aFailingScriptLeavesNothingHalfWrittenAndTheAdapterCannotStart() throws SQLException {
        AdapterSchema.Script broken = new AdapterSchema.Script(2, "broken", "/db/migration-broken/002_broken.sql");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, broken)));
        assertTrue(failure.getMessage().contains("adapter test-adapter cannot be brought up to date")
                && failure.getMessage().contains("schema migration 2 of adapter test-adapter"), failure.getMessage());
        try (Connection c = db.getConnection()) {
            assertTrue(Schemas.tables(c).contains("TEST_NOTES"));
            assertFalse(Schemas.tables(c).contains("HALF_WRITTEN"), "the failed script's first statement is undone");
            assertEquals(List.of("test-adapter 1 applied"), Schemas.adapterRows(c));
        }
        assertEquals(1, AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, TAGS)));
    }

    @Test
    void aScriptEditedAfterItWasAppliedIsRefused() {
        AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES));
        AdapterSchema.Script edited = new AdapterSchema.Script(1, "notes", "/db/migration-broken/001_edited.sql");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(edited)));
        assertTrue(refused.getMessage().contains("a released migration must never change"), refused.getMessage());
    }

    @Test
    void tablesWrittenByANewerAdapterAreRefused() {
        AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES, TAGS));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> AdapterSchema.migrate(db, "test-adapter", getClass(), List.of(NOTES)));
        assertTrue(refused.getMessage().contains("schema of adapter test-adapter is at version 2")
                && refused.getMessage().contains("newer"), refused.getMessage());
    }

    @Test
    void twoComponentsOfOneAdapterStartingTogetherApplyEachScriptOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<Integer> start = () -> AdapterSchema.migrate(db, "test-adapter", getClass(),
                    List.of(NOTES, TAGS));
            List<Future<Integer>> started = pool.invokeAll(List.of(start, start, start, start));
            int applied = 0;
            for (Future<Integer> one : started) {
                applied += one.get();
            }
            assertEquals(2, applied);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAdapterNameThatCouldNotBeAKeyIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> AdapterSchema.migrate(db, "Test Adapter", getClass(), List.of(NOTES)));
    }
}
