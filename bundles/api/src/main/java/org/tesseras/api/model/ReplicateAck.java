package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/**
 * A receiver's verdict on a pushed fragment: accepted, or refused with a reason and a detail for
 * logs; in both cases the indices of the tessera it now holds.
 */
public record ReplicateAck(boolean accepted, RefusalReason reason, String detail, List<Integer> fragmentsHeld) {
    public ReplicateAck {
        if (accepted && reason != null) {
            throw new IllegalArgumentException("an accepted ack has no refusal reason, got " + reason);
        }
        if (!accepted && reason == null) {
            throw new IllegalArgumentException("a refusal needs a reason");
        }
        detail = detail == null ? "" : detail;
        fragmentsHeld = List.copyOf(Objects.requireNonNull(fragmentsHeld, "fragments held"));
    }

    /** Accepted; the receiver now holds {@code fragmentsHeld}. */
    public static ReplicateAck accepted(List<Integer> fragmentsHeld) {
        return new ReplicateAck(true, null, "", fragmentsHeld);
    }

    /** Refused for {@code reason}, explained by {@code detail}. */
    public static ReplicateAck refused(RefusalReason reason, String detail, List<Integer> fragmentsHeld) {
        return new ReplicateAck(false, Objects.requireNonNull(reason, "reason"), detail, fragmentsHeld);
    }
}
