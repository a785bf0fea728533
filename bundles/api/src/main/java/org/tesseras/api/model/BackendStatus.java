package org.tesseras.api.model;

import java.util.Objects;

/** A storage backend as an operator sees it: name, where it keeps things, rank, whether active, and usage. */
public record BackendStatus(String name, String location, int rank, boolean active, long tesseras,
        long fragments, long fragmentBytes, long blobs, long blobBytes, long freeBytes) {
    public BackendStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location of " + name);
    }
}
