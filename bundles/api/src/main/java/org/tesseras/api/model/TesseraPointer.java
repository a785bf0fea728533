package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/**
 * What the DHT stores under a tessera's key: its owner-signed manifest and who holds which fragments, so any
 * node can fetch the fragments, check each against the manifest, and rebuild the tessera.
 */
public record TesseraPointer(TesseraManifest manifest, NodeId publisher, List<Holder> holders, long publishedAtMillis) {
    public TesseraPointer {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(publisher, "publisher of " + manifest.tesseraHash());
        holders = List.copyOf(Objects.requireNonNull(holders, "holders of " + manifest.tesseraHash()));
        for (Holder holder : holders) {
            for (int index : holder.indices()) {
                manifest.plan().checkIndex(index);
            }
        }
    }

    /** The tessera this pointer names. */
    public ContentHash tesseraHash() {
        return manifest.tesseraHash();
    }

    /** The plan of the tessera, from its manifest. */
    public FragmentPlan plan() {
        return manifest.plan();
    }
}
