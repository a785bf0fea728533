package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/**
 * What the DHT stores under a tessera's key: its plan and who holds which fragments, so any node can
 * fetch and rebuild it.
 */
public record TesseraPointer(FragmentPlan plan, NodeId publisher, List<Holder> holders, long publishedAtMillis) {
    public TesseraPointer {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(publisher, "publisher of " + plan.tesseraHash());
        holders = List.copyOf(Objects.requireNonNull(holders, "holders of " + plan.tesseraHash()));
        for (Holder holder : holders) {
            for (int index : holder.indices()) {
                plan.checkIndex(index);
            }
        }
    }

    /** The tessera this pointer names. */
    public ContentHash tesseraHash() {
        return plan.tesseraHash();
    }
}
