package org.tesseras.api.model;

import java.util.List;

/**
 * What rebuilding the index from the disk found: tessera directories and their manifests, fragments that
 * were indexed already, fragments indexed now, files quarantined because no manifest explains them, and
 * rows marked lost because their files are gone.
 */
public record ReindexReport(int tesseraDirectories, int manifests, int alreadyIndexed, int indexed,
        int quarantined, int markedLost, List<String> notes) {
    public ReindexReport {
        notes = List.copyOf(notes);
    }

    /** Whether the disk and the index agreed already. */
    public boolean nothingChanged() {
        return indexed == 0 && quarantined == 0 && markedLost == 0;
    }
}
