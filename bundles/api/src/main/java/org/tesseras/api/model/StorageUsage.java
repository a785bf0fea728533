package org.tesseras.api.model;

/** How much a store holds and how much room its disk has left. */
public record StorageUsage(long fragmentCount, long usedBytes, long freeBytes) {
    public StorageUsage {
        if (fragmentCount < 0 || usedBytes < 0 || freeBytes < 0) {
            throw new IllegalArgumentException("storage usage must not be negative: " + fragmentCount + " fragments, "
                    + usedBytes + " used, " + freeBytes + " free");
        }
    }
}
