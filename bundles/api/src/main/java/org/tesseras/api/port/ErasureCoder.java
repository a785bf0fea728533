package org.tesseras.api.port;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;

/**
 * Systematic Reed-Solomon over GF(2^8), byte-compatible with Backblaze JavaReedSolomon: the first
 * {@code dataShards} shards are the data, the rest parity; any {@code dataShards} of them rebuild all.
 */
@ProviderType
public interface ErasureCoder {

    /**
     * Names this codec and its byte layout (e.g. {@code reed-solomon-gf256/1}); a manifest records the codec
     * that cut its tessera, and a tessera is decoded only by a coder with the same id.
     */
    String codecId();

    /** Computes {@code shards[dataShards..]} from {@code shards[0..dataShards)} over {@code [offset, offset+byteCount)}. */
    void encodeParity(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount);

    /**
     * Rebuilds every shard whose {@code present} flag is false over {@code [offset, offset+byteCount)};
     * throws {@link IllegalArgumentException} saying how many are present and how many are needed when
     * fewer than {@code dataShards} are present.
     */
    void decodeMissing(int dataShards, int parityShards, byte[][] shards, boolean[] present, int offset,
            int byteCount);

    /** Whether the parity shards match the data shards over {@code [offset, offset+byteCount)}. */
    boolean isParityCorrect(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount);

    /**
     * Cuts the tessera read from {@code source} into {@code plan.totalShards()} fragments written to
     * {@code sinks} in order, slice by slice, with memory bounded by the stripe width and not by the
     * tessera size; returns the BLAKE3 checksum of each fragment (padding included), computed on the way.
     */
    List<ContentHash> encode(FragmentPlan plan, SeekableByteChannel source, List<? extends WritableByteChannel> sinks)
            throws IOException;

    /**
     * Rebuilds the tessera from {@code fragments} (one channel per index, {@code null} where absent; at
     * least {@code dataShards} present) and writes its {@code plan.tesseraSize()} bytes to {@code out}.
     */
    void decode(FragmentPlan plan, List<? extends ReadableByteChannel> fragments, WritableByteChannel out)
            throws IOException;
}
