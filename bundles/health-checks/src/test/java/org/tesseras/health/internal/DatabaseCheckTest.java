package org.tesseras.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;

/** The database check against the real node database, running and then shut down. */
class DatabaseCheckTest {

    @Test
    void aRunningDatabaseIsOkAndAClosedOneIsCritical() throws Exception {
        DerbyNodeDataSource database = TestDatabase.inMemory();
        assertEquals(Result.Status.OK, DatabaseCheck.examine(database).status());
        database.close();
        Finding closed = DatabaseCheck.examine(database);
        assertEquals(Result.Status.CRITICAL, closed.status());
        assertTrue(closed.finding().startsWith("The node database refuses connections"), closed.finding());
        assertTrue(closed.whatToDo().contains("log:display"), closed.whatToDo());
    }

    @Test
    void noDatabaseServiceIsCritical() {
        assertEquals(Result.Status.CRITICAL, new DatabaseCheck().execute().getStatus());
    }
}
