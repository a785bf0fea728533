package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code tesseras:recover} found and did: the owner's catalogue read from the DHT (pages found of pages it
 * has), then for each tessera it lists whether its owner-signed manifest and holders were found, and its health
 * after the repair that rebuilt this node's full set of its fragments.
 */
public record RecoveryReport(NodeId owner, int cataloguePages, int cataloguePagesFound, List<Entry> tesseras,
        List<String> notes) {
    public RecoveryReport {
        Objects.requireNonNull(owner, "owner");
        tesseras = List.copyOf(tesseras);
        notes = List.copyOf(notes);
    }

    /** One catalogued tessera: recovered (manifest found, with its holders and health) or not, and why. */
    public record Entry(ContentHash tessera, Optional<FragmentPlan> plan, int holders, Optional<RepairAction> health,
            String detail) {
        public Entry {
            Objects.requireNonNull(tessera, "tessera");
            Objects.requireNonNull(plan, "plan of " + tessera);
            Objects.requireNonNull(health, "health of " + tessera);
            Objects.requireNonNull(detail, "detail of " + tessera);
        }

        /** Whether its manifest was found, so this node owns it again. */
        public boolean recovered() {
            return plan.isPresent();
        }
    }

    /** How many catalogued tesseras this node owns again. */
    public long recovered() {
        return tesseras.stream().filter(Entry::recovered).count();
    }

    /** How many of them are healthy now. */
    public long healthy() {
        return tesseras.stream().filter(e -> e.health().filter(RepairAction.Healthy.class::isInstance).isPresent())
                .count();
    }
}
