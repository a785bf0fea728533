package org.tesseras.api.model;

import java.util.Objects;

/**
 * What travels between nodes: a fragment's id, the plan of its tessera and its bytes. The bytes are
 * a {@link FragmentSource}, streamed when sent, never held whole; their length is the plan's shard size.
 */
public record FragmentEnvelope(FragmentId id, FragmentPlan plan, FragmentSource content) {
    public FragmentEnvelope {
        Objects.requireNonNull(id, "fragment id");
        Objects.requireNonNull(plan, "plan of " + id);
        Objects.requireNonNull(content, "content of " + id);
        if (!id.belongsTo(plan)) {
            throw new IllegalArgumentException("fragment " + id + " of " + id.totalShards()
                    + " shards does not match the plan of " + plan.tesseraHash() + " with " + plan.totalShards());
        }
    }

    /** Length of the fragment in bytes. */
    public long length() {
        return plan.shardSize();
    }

    /** Whether this fragment is a parity shard. */
    public boolean isParity() {
        return plan.isParity(id.index());
    }
}
