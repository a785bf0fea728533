package org.tesseras.api.model;

import java.util.List;

/** What a health check concluded a tessera needs. */
public sealed interface RepairAction {

    /** Every fragment is where the plan wants it. */
    record Healthy() implements RepairAction {
    }

    /**
     * Some redundancy is gone but the tessera is recoverable: {@code deficit} fragments (or, for
     * whole copies, copies) must be re-created; {@code missingIndices} names the shards.
     */
    record NeedsReplication(int deficit, List<Integer> missingIndices) implements RepairAction {
        public NeedsReplication {
            if (deficit < 1) {
                throw new IllegalArgumentException("a replication deficit must be >= 1, got " + deficit);
            }
            missingIndices = List.copyOf(missingIndices);
        }
    }

    /** Our own copy of fragment {@code fragmentIndex} no longer matches its checksum. */
    record CorruptLocal(int fragmentIndex) implements RepairAction {
        public CorruptLocal {
            if (fragmentIndex < 0) {
                throw new IllegalArgumentException("fragment index must be >= 0, got " + fragmentIndex);
            }
        }
    }

    /** Fewer than {@code needed} (the data shard count) fragments survive: the tessera cannot be rebuilt. */
    record Lost(int available, int needed) implements RepairAction {
        public Lost {
            if (available < 0 || available >= needed) {
                throw new IllegalArgumentException("lost means 0 <= available < needed, got " + available + " of "
                        + needed);
            }
        }
    }
}
