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

/**
 * BLAKE3 candidates, one thread: commons-codec {@code Blake3}, Bouncy Castle {@code Blake3Digest} and
 * rctcwyvrn's blake3-java. Throughput in operations per second; multiply by the size for bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Blake3Benchmark {

    @Param({"1024", "65536", "1048576"})
    int sizeBytes;

    byte[] input;

    @Setup
    public void setUp() {
        input = new byte[sizeBytes];
        new Random(1).nextBytes(input);
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

    @Benchmark
    public byte[] blake3Java() {
        io.github.rctcwyvrn.blake3.Blake3 hasher = io.github.rctcwyvrn.blake3.Blake3.newInstance();
        hasher.update(input);
        return hasher.digest(32);
    }
}
