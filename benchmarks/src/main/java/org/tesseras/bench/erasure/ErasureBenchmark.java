package org.tesseras.bench.erasure;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.erasure.rs.internal.ReedSolomonErasureCoder;

/**
 * Reed-Solomon throughput on 1 MiB shards: one op encodes (or rebuilds) a whole stripe. Input MB/s =
 * ops/s x dataShards x 1.048576 (16+8: x 16.78, 48+24: x 50.33). {@code threads} = 1 is one core.
 * Decode loses the first {@code parityShards} data shards, the costliest loss of that size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ErasureBenchmark {
    private static final int SHARD_BYTES = 1 << 20;

    @Param({"16+8", "48+24"})
    String geometry;

    @Param({"1", "2"})
    int threads;

    private ReedSolomonErasureCoder coder;
    private int dataShards;
    private int parityShards;
    private byte[][] shards;
    private boolean[] present;

    @Setup
    public void setUp() {
        String[] parts = geometry.split("\\+");
        dataShards = Integer.parseInt(parts[0]);
        parityShards = Integer.parseInt(parts[1]);
        coder = new ReedSolomonErasureCoder(new Blake3Hasher(), CoderConfiguration.withThreads(threads));
        shards = new byte[dataShards + parityShards][SHARD_BYTES];
        Random random = new Random(1);
        for (int i = 0; i < dataShards; i++) {
            random.nextBytes(shards[i]);
        }
        coder.encodeParity(dataShards, parityShards, shards, 0, SHARD_BYTES);
        present = new boolean[dataShards + parityShards];
        Arrays.fill(present, true);
        Arrays.fill(present, 0, parityShards, false);
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        if (!coder.isParityCorrect(dataShards, parityShards, shards, 0, SHARD_BYTES)) {
            throw new IllegalStateException("the stripe no longer checks out");
        }
        coder.deactivate();
    }

    @Benchmark
    public byte[][] encode() {
        coder.encodeParity(dataShards, parityShards, shards, 0, SHARD_BYTES);
        return shards;
    }

    @Benchmark
    public byte[][] decode() {
        coder.decodeMissing(dataShards, parityShards, shards, present, 0, SHARD_BYTES);
        return shards;
    }
}
