package org.tesseras.holders.derby.internal;

import java.util.ArrayList;
import java.util.List;

import org.tesseras.api.model.RepairAction;

/** The one-line text form a {@link RepairAction} is stored in: {@code HEALTHY}, {@code NEEDS_REPLICATION 2 3,7}, ... */
final class HealthText {
    private HealthText() {
    }

    static String format(RepairAction action) {
        if (action instanceof RepairAction.NeedsReplication needs) {
            return "NEEDS_REPLICATION " + needs.deficit() + " " + join(needs.missingIndices());
        }
        if (action instanceof RepairAction.CorruptLocal corrupt) {
            return "CORRUPT_LOCAL " + corrupt.fragmentIndex();
        }
        if (action instanceof RepairAction.Lost lost) {
            return "LOST " + lost.available() + " " + lost.needed();
        }
        return "HEALTHY";
    }

    static RepairAction parse(String text) {
        String[] parts = text.trim().split(" ");
        switch (parts[0]) {
            case "HEALTHY":
                return new RepairAction.Healthy();
            case "NEEDS_REPLICATION":
                return new RepairAction.NeedsReplication(Integer.parseInt(parts[1]),
                        parts.length > 2 ? split(parts[2]) : List.of());
            case "CORRUPT_LOCAL":
                return new RepairAction.CorruptLocal(Integer.parseInt(parts[1]));
            case "LOST":
                return new RepairAction.Lost(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            default:
                throw new IllegalStateException("unknown health verdict '" + text + "' in the database");
        }
    }

    private static String join(List<Integer> indices) {
        StringBuilder text = new StringBuilder();
        for (int index : indices) {
            text.append(text.length() == 0 ? "" : ",").append(index);
        }
        return text.toString();
    }

    private static List<Integer> split(String text) {
        List<Integer> indices = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isEmpty()) {
                indices.add(Integer.parseInt(part));
            }
        }
        return indices;
    }
}
