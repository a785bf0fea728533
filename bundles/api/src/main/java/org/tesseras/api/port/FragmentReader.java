package org.tesseras.api.port;

import java.io.IOException;
import java.io.InputStream;

import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;

/** Consumes a fragment streamed from a peer; {@code content} yields exactly {@code plan.shardSize()} bytes. */
@FunctionalInterface
public interface FragmentReader<T> {
    /** Reads the fragment; the stream is not yet checked against {@code id.checksum()}: the reader must check. */
    T read(FragmentId id, FragmentPlan plan, InputStream content) throws IOException;
}
