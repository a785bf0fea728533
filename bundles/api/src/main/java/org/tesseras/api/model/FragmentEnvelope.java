package org.tesseras.api.model;

import java.util.Objects;

/**
 * What travels between nodes: a fragment's id, the signed manifest of its tessera and its bytes. The bytes
 * are a {@link FragmentSource}, streamed when sent, never held whole; their length is the plan's shard size.
 * The envelope is what the sender claims: a receiver checks the manifest's signature and that the id's
 * checksum is the manifest's before it keeps anything.
 */
public record FragmentEnvelope(FragmentId id, TesseraManifest manifest, FragmentSource content) {
    public FragmentEnvelope {
        Objects.requireNonNull(id, "fragment id");
        Objects.requireNonNull(manifest, "manifest of " + id);
        Objects.requireNonNull(content, "content of " + id);
        if (!id.belongsTo(manifest.plan())) {
            throw new IllegalArgumentException("fragment " + id + " of " + id.totalShards()
                    + " shards does not match the plan of " + manifest.tesseraHash() + " with "
                    + manifest.plan().totalShards());
        }
    }

    /** Fragment {@code index} as the manifest describes it, with its bytes from {@code content}. */
    public static FragmentEnvelope of(TesseraManifest manifest, int index, FragmentSource content) {
        return new FragmentEnvelope(manifest.fragmentId(index), manifest, content);
    }

    /** The plan of the fragment's tessera. */
    public FragmentPlan plan() {
        return manifest.plan();
    }

    /** Length of the fragment in bytes. */
    public long length() {
        return plan().shardSize();
    }

    /** Whether this fragment is a parity shard. */
    public boolean isParity() {
        return plan().isParity(id.index());
    }

    /** Whether the id's checksum is the one the manifest gives this index. */
    public boolean matchesManifest() {
        return id.checksum().equals(manifest.checksum(id.index()));
    }
}
