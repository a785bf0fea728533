package org.tesseras.health.internal;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.tesseras.api.model.HealthRecord;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.model.TesseraStatus;

/** The last health verdicts of the tesseras this node knows, as the at-risk and lost checks name them. */
final class TesseraVerdicts {
    /** At most this many tesseras are named in one finding; the rest are counted. */
    static final int NAMED = 10;

    private TesseraVerdicts() {
    }

    /** The last verdicts of {@code statuses} that match {@code which}, in status order. */
    static List<HealthRecord> matching(List<TesseraStatus> statuses, Predicate<RepairAction> which) {
        return statuses.stream().map(TesseraStatus::lastHealth).flatMap(java.util.Optional::stream)
                .filter(record -> which.test(record.action())).collect(Collectors.toList());
    }

    /** Below the repair threshold but recoverable: missing fragments or copies, or a corrupt local fragment. */
    static boolean atRisk(RepairAction action) {
        return action instanceof RepairAction.NeedsReplication || action instanceof RepairAction.CorruptLocal;
    }

    /** Fewer fragments than needed to rebuild it. */
    static boolean lost(RepairAction action) {
        return action instanceof RepairAction.Lost;
    }

    /** {@code hash (what is wrong), …} for the first {@value #NAMED}, then how many more. */
    static String name(List<HealthRecord> records) {
        String named = records.stream().limit(NAMED).map(record -> record.tesseraHash().hex() + " ("
                + describe(record.action()) + ")").collect(Collectors.joining(", "));
        return records.size() > NAMED ? named + " and " + (records.size() - NAMED) + " more" : named;
    }

    static String describe(RepairAction action) {
        if (action instanceof RepairAction.NeedsReplication needs) {
            return needs.deficit() + " missing" + (needs.missingIndices().isEmpty() ? "" : " " + needs.missingIndices());
        }
        if (action instanceof RepairAction.CorruptLocal corrupt) {
            return "local fragment " + corrupt.fragmentIndex() + " corrupt";
        }
        if (action instanceof RepairAction.Lost lost) {
            return lost.available() + " of the " + lost.needed() + " fragments needed survive";
        }
        return "healthy";
    }

    /** {@code No tessera here}, {@code The one tessera here …}, {@code None of the N tesseras …}. */
    static String noneOf(int tesseras, String what) {
        if (tesseras == 0) {
            return "No tesseras here yet";
        }
        return tesseras == 1 ? "The one tessera here " + (what.startsWith("was ") ? "was not" + what.substring(3) : what)
                : "None of the " + tesseras + " tesseras " + what;
    }

    static Finding replicationMissing() {
        return Finding.unavailable("Replication is not running, so the tesseras' health is unknown",
                "Check that bundle tesseras-replication is Active (bundle:list) and read the node log");
    }
}
