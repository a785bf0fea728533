package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of placing a tessera on the network: how many of its remote fragments went to how many
 * peers, who refused and why, and how many peer losses the tessera survives as placed.
 */
public record PlacementReport(FragmentPlan plan, int fragmentsPlaced, int fragmentsWanted, int peersUsed,
        List<Refusal> refusals, int survivablePeerLosses, List<String> notes) {
    public PlacementReport {
        Objects.requireNonNull(plan, "plan");
        refusals = List.copyOf(refusals);
        notes = List.copyOf(notes);
    }

    /** A peer that did not take what it was offered; {@code reason} is empty when it failed rather than refused. */
    public record Refusal(NodeId peer, java.util.Optional<RefusalReason> reason, String detail) {
        public Refusal {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }

    /** Whether every wanted fragment found a peer. */
    public boolean complete() {
        return fragmentsPlaced >= fragmentsWanted;
    }
}
