package org.tesseras.api.model;

import java.util.List;

/**
 * What an operator should know about the node as a whole, beside its tesseras and its repair loop: files kept in
 * quarantine, puts under way, and puts a restart cut short (with how each ended).
 */
public record NodeStatus(int quarantinedFiles, List<PutRecord> putsUnderWay, List<PutRecord> putsCutShort) {
    public NodeStatus {
        if (quarantinedFiles < 0) {
            throw new IllegalArgumentException("quarantined files must be >= 0, got " + quarantinedFiles);
        }
        putsUnderWay = List.copyOf(putsUnderWay);
        putsCutShort = List.copyOf(putsCutShort);
    }
}
