package org.tesseras.holders.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.RepairRound;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;

class DerbyReplicationJournalTest {
    static final ContentHash TESSERA = ContentHash.of("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f");

    @TempDir
    Path dir;

    @Test
    void aPutThatNeverEndedIsStillThereAfterARestartWithItsTessera() throws Exception {
        String location = dir.resolve("db").toString();
        DerbyNodeDataSource database = TestDatabase.open(location);
        DerbyReplicationJournal journal = new DerbyReplicationJournal(database);
        long finished = journal.putStarted("/home/ada/letters.tar", 1234);
        journal.putStored(finished, TESSERA);
        journal.putEnded(finished, "placed 24 of 24 fragments");
        long interrupted = journal.putStarted("/home/ada/photos.tar", 99_000_000);
        journal.putStored(interrupted, TESSERA);
        long neverStored = journal.putStarted("/home/ada/video.mkv", 5);
        database.close();

        database = TestDatabase.open(location);
        try {
            journal = new DerbyReplicationJournal(database);
            List<PutRecord> unfinished = journal.unfinishedPuts();
            assertEquals(List.of(interrupted, neverStored), unfinished.stream().map(PutRecord::id).toList());
            assertEquals(Optional.of(TESSERA), unfinished.get(0).tessera());
            assertEquals("/home/ada/photos.tar", unfinished.get(0).source());
            assertEquals(99_000_000, unfinished.get(0).sizeBytes());
            assertFalse(unfinished.get(0).ended());
            assertEquals(Optional.empty(), unfinished.get(1).tessera());

            List<PutRecord> recent = journal.recentPuts(2);
            assertEquals(List.of(neverStored, interrupted), recent.stream().map(PutRecord::id).toList());
            PutRecord done = journal.recentPuts(10).get(2);
            assertTrue(done.ended());
            assertEquals("placed 24 of 24 fragments", done.outcome());

            journal.putEnded(neverStored, "interrupted before the file was stored; put it again");
            assertEquals(List.of(interrupted), journal.unfinishedPuts().stream().map(PutRecord::id).toList());
        } finally {
            database.close();
        }
    }

    @Test
    void theLastRepairRoundIsTheOneThatStartedLast() throws Exception {
        DerbyNodeDataSource database = TestDatabase.inMemory();
        try {
            DerbyReplicationJournal journal = new DerbyReplicationJournal(database);
            assertEquals(Optional.empty(), journal.lastRepairRound());
            Instant earlier = Instant.parse("2026-12-01T03:00:00Z");
            Instant later = Instant.parse("2026-12-02T04:30:00Z");
            journal.repairRoundEnded(new RepairRound(later, later.plusSeconds(42), 7, 2, 1, 0, "two repaired"));
            journal.repairRoundEnded(new RepairRound(earlier, earlier.plusSeconds(3), 7, 0, 0, 0, ""));
            RepairRound last = journal.lastRepairRound().orElseThrow();
            assertEquals(later, last.startedAt().truncatedTo(ChronoUnit.MILLIS));
            assertEquals(42, last.duration().toSeconds());
            assertEquals(7, last.tesseras());
            assertEquals(2, last.repaired());
            assertEquals(1, last.lost());
            assertEquals("two repaired", last.note());
        } finally {
            database.close();
        }
    }
}
