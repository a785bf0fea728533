package org.tesseras.api.port;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.PutRecord;
import org.tesseras.api.model.RepairRound;

/**
 * What replication must remember across restarts: the puts under way (so a put the node died in is finished
 * or reported after a restart) and the last repair round (so the schedule survives restarts).
 */
@ProviderType
public interface ReplicationJournal {

    /** Records a put of {@code source} ({@code sizeBytes}) starting now; returns its id. */
    long putStarted(String source, long sizeBytes);

    /** The put's file is now kept as tessera {@code tesseraHash}. */
    void putStored(long putId, ContentHash tesseraHash);

    /** The put ended now; {@code outcome} says how, in words. */
    void putEnded(long putId, String outcome);

    /** Puts that started and never ended, oldest first. */
    List<PutRecord> unfinishedPuts();

    /** The most recent puts, newest first, at most {@code count}. */
    List<PutRecord> recentPuts(int count);

    /** Records a finished repair round. */
    void repairRoundEnded(RepairRound round);

    /** The last repair round recorded, if any. */
    Optional<RepairRound> lastRepairRound();
}
