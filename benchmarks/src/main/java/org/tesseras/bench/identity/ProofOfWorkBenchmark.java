package org.tesseras.bench.identity;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.ProofOfWork;

/**
 * What an identity costs: {@code search16} mints 16 bits of proof-of-work for one key after another (on average
 * 65,536 nonces each, so its time divided by 65,536 is the time of one nonce; minting {@code b} bits takes
 * {@code 2^b} nonces on average), {@code verify} is what every peer pays to check an identity (the NodeId of the
 * key and the work of the nonce: two BLAKE3 hashes). One thread.
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class ProofOfWorkBenchmark {
    private static final int KEYS = 4096;
    private static final int SEARCH_BITS = 16;

    private final Hasher hasher = new Blake3Hasher();
    private byte[][] keys;
    private long[] nonces;
    private int next;

    @Setup
    public void setUp() throws InterruptedException {
        Random random = new Random(7);
        keys = new byte[KEYS][32];
        nonces = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            random.nextBytes(keys[i]);
        }
        for (int i = 0; i < 64; i++) {
            nonces[i] = ProofOfWork.findNonce(keys[i], 8, 0, null);
        }
    }

    /** Mints 16 bits for the next key; average time / 65,536 = time per nonce tried. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long search16() throws InterruptedException {
        next = (next + 1) % KEYS;
        return ProofOfWork.findNonce(keys[next], SEARCH_BITS, 0, null);
    }

    /** Checks an identity: its NodeId is the key's and the nonce shows at least 8 bits. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean verify() {
        next = (next + 1) % 64;
        NodeId id = ProofOfWork.nodeIdOf(hasher, keys[next]);
        return id.equals(ProofOfWork.nodeIdOf(hasher, keys[next]))
                && ProofOfWork.powBits(hasher, keys[next], nonces[next]) >= 8;
    }

    /**
     * Mints one identity's proof-of-work of {@code args[0]} bits (default 28) for a fresh random key and prints the
     * time: {@code java -cp benchmarks.jar org.tesseras.bench.identity.ProofOfWorkBenchmark 28}.
     */
    public static void main(String[] args) throws InterruptedException {
        int bits = args.length > 0 ? Integer.parseInt(args[0]) : 28;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Random random = new Random();
        for (int run = 0; run < runs; run++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            long start = System.nanoTime();
            long nonce = ProofOfWork.findNonce(key, bits, 0, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d bits: nonce %d found in %.1f s (%.2f M nonces/s)%n", bits, nonce, seconds,
                    (nonce + 1) / seconds / 1e6);
        }
    }
}
