package org.tesseras.shell;

import org.tesseras.api.model.RepairAction;

/** Health verdicts in words. */
final class Verdicts {
    private Verdicts() {
    }

    static String describe(RepairAction action) {
        if (action instanceof RepairAction.NeedsReplication needs) {
            return "needs replication: " + needs.deficit() + " missing " + needs.missingIndices();
        }
        if (action instanceof RepairAction.CorruptLocal corrupt) {
            return "corrupt local fragment " + corrupt.fragmentIndex();
        }
        if (action instanceof RepairAction.Lost lost) {
            return "LOST: " + lost.available() + " of " + lost.needed() + " fragments survive";
        }
        return "healthy";
    }
}
