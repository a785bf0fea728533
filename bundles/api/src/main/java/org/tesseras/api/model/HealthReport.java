package org.tesseras.api.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A health check of one tessera: the verdict and what each holder showed. */
public record HealthReport(ContentHash tesseraHash, RepairAction action, List<HolderCheck> holders,
        List<Integer> corruptLocal, Instant checkedAt) {
    public HealthReport {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(action, "action for " + tesseraHash);
        holders = List.copyOf(holders);
        corruptLocal = List.copyOf(corruptLocal);
        Objects.requireNonNull(checkedAt, "checked-at");
    }

    /** How a holder fared in this check. */
    public enum HolderState {
        /** Its attestation verified. */
        VERIFIED,
        /** It failed the attestation but answers pings: its fragments still count, for now. */
        REACHABLE_UNVERIFIED,
        /** It does not answer, or failed too many attestations in a row: its fragments are counted lost. */
        LOST
    }

    /**
     * One holder's result: its state, the indices it counts for (those it proved when verified, those it
     * was given while reachable but unverified, none when lost) and why when it failed.
     */
    public record HolderCheck(NodeId node, HolderState state, List<Integer> indices, String detail) {
        public HolderCheck {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(state, "state of " + node);
            indices = List.copyOf(indices);
            detail = detail == null ? "" : detail;
        }
    }
}
