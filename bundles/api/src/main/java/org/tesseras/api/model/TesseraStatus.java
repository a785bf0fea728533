package org.tesseras.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What this node has of one tessera: its plan, the fragments held here, whether it owns it (keeps the
 * whole tessera), how many peers hold fragments for it, and the last health verdict.
 */
public record TesseraStatus(FragmentPlan plan, int localFragments, boolean owned, int holders,
        Optional<HealthRecord> lastHealth) {
    public TesseraStatus {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(lastHealth, "last health of " + plan.tesseraHash());
    }

    /** The tessera. */
    public ContentHash tesseraHash() {
        return plan.tesseraHash();
    }
}
