package org.tesseras.bench.blake3;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.commons.codec.digest.Blake3;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;

/**
 * BLAKE3, one thread: the node's own ({@link Blake3Hasher}), scalar and (in a JVM with the Vector API) vector,
 * against commons-codec {@code Blake3}, Bouncy Castle {@code Blake3Digest} and rctcwyvrn's blake3-java. Throughput in operations per second; multiply
 * by the size for bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Blake3Benchmark {

    private static final int PIECE_BYTES = 64 * 1024;
    /** What the node's bin/setenv adds: {@link Blake3Hasher} then hashes chunks side by side. */
    private static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    @Param({"1024", "65536", "1048576"})
    int sizeBytes;

    byte[] input;

    private final Hasher tesseras = new Blake3Hasher();

    @Setup
    public void setUp() {
        input = new byte[sizeBytes];
        new Random(1).nextBytes(input);
    }

    /** Ours in a JVM without {@code jdk.incubator.vector}: the scalar code. */
    @Benchmark
    public ContentHash tesseras() {
        return tesseras.hash(input);
    }

    /** The node's streaming path: 64 KiB pieces, as {@code Hasher.hash(InputStream)} feeds them. */
    @Benchmark
    public ContentHash tesserasStreamed() {
        return streamed(tesseras);
    }

    /** Ours in a JVM with {@code jdk.incubator.vector}, as the node distribution starts it: chunks side by side. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = VECTOR_MODULE)
    public ContentHash tesserasVector() {
        return tesseras.hash(input);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = VECTOR_MODULE)
    public ContentHash tesserasVectorStreamed() {
        return streamed(tesseras);
    }

    private ContentHash streamed(Hasher hasher) {
        Hasher.IncrementalHash hash = hasher.newHash();
        for (int offset = 0; offset < input.length; offset += PIECE_BYTES) {
            hash.update(input, offset, Math.min(PIECE_BYTES, input.length - offset));
        }
        return hash.finish();
    }

    @Benchmark
    public byte[] commonsCodec() {
        return Blake3.initHash().update(input).doFinalize(32);
    }

    @Benchmark
    public byte[] bouncyCastle() {
        Blake3Digest digest = new Blake3Digest(256);
        digest.update(input, 0, input.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** How the node hashes streams: the input fed in 64 KiB pieces (one piece when smaller). */
    @Benchmark
    public byte[] commonsCodecStreamed() {
        Blake3 hasher = Blake3.initHash();
        for (int offset = 0; offset < input.length; offset += PIECE_BYTES) {
            hasher.update(input, offset, Math.min(PIECE_BYTES, input.length - offset));
        }
        return hasher.doFinalize(32);
    }

    @Benchmark
    public byte[] bouncyCastleStreamed() {
        Blake3Digest digest = new Blake3Digest(256);
        for (int offset = 0; offset < input.length; offset += PIECE_BYTES) {
            digest.update(input, offset, Math.min(PIECE_BYTES, input.length - offset));
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** blake3-java takes whole arrays only, so each piece is copied out first. */
    @Benchmark
    public byte[] blake3JavaStreamed() {
        io.github.rctcwyvrn.blake3.Blake3 hasher = io.github.rctcwyvrn.blake3.Blake3.newInstance();
        for (int offset = 0; offset < input.length; offset += PIECE_BYTES) {
            hasher.update(java.util.Arrays.copyOfRange(input, offset, Math.min(input.length, offset + PIECE_BYTES)));
        }
        return hasher.digest(32);
    }

    @Benchmark
    public byte[] blake3Java() {
        io.github.rctcwyvrn.blake3.Blake3 hasher = io.github.rctcwyvrn.blake3.Blake3.newInstance();
        hasher.update(input);
        return hasher.digest(32);
    }
}
