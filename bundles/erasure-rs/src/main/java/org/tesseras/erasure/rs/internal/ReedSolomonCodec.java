package org.tesseras.erasure.rs.internal;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.tesseras.api.model.FragmentPlan;

/**
 * Systematic Reed-Solomon over GF(2^8) on byte arrays, byte-identical to Backblaze JavaReedSolomon; large
 * calls are split by byte range over an optional executor. Thread-safe.
 */
final class ReedSolomonCodec {
    /**
     * Bytes of input plus output per chunk when a call is split over threads: small enough that a thread
     * descheduled by the OS holds up little work, large enough that taking a chunk costs nothing.
     */
    static final int CHUNK_WORK_BYTES = 2 * 1024 * 1024;
    private static final int PROGRAM_CACHE_SIZE = 64;
    private static final int PARITY_CHECK_CHUNK = 64 * 1024;

    private final TaskSpreader spreader;
    private final int sliceBytes;
    private final Map<Object, XorProgram> programs = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, XorProgram> eldest) {
            return size() > PROGRAM_CACHE_SIZE;
        }
    };
    private final ConcurrentLinkedQueue<WordScratch> scratchPool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledScratch = new AtomicInteger();

    /**
     * A codec that cuts large calls into chunks worked on by the caller and up to {@code threads - 1} threads
     * of {@code executor} (null: the caller alone), each going through its shards in slices of
     * {@code sliceBytes} (a multiple of 8) so that the working set stays in the CPU caches.
     */
    ReedSolomonCodec(Executor executor, int threads, int sliceBytes) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (sliceBytes < 8 || sliceBytes % 8 != 0) {
            throw new IllegalArgumentException("slice must be a positive multiple of 8 bytes, got " + sliceBytes);
        }
        this.spreader = new TaskSpreader(executor, threads);
        this.sliceBytes = sliceBytes;
    }

    /** Computes the parity shards from the data shards over {@code [offset, offset+byteCount)}. */
    void encodeParity(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount) {
        checkShards(dataShards, parityShards, shards, offset, byteCount);
        if (parityShards == 0 || byteCount == 0) {
            return;
        }
        run(parityProgram(dataShards, parityShards), Arrays.copyOfRange(shards, 0, dataShards), offset,
                Arrays.copyOfRange(shards, dataShards, dataShards + parityShards), offset, byteCount);
    }

    /** Whether the parity shards match the data shards over {@code [offset, offset+byteCount)}. */
    boolean isParityCorrect(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount) {
        checkShards(dataShards, parityShards, shards, offset, byteCount);
        if (parityShards == 0 || byteCount == 0) {
            return true;
        }
        XorProgram program = parityProgram(dataShards, parityShards);
        byte[][] data = Arrays.copyOfRange(shards, 0, dataShards);
        int chunk = Math.min(byteCount, PARITY_CHECK_CHUNK);
        byte[][] expected = new byte[parityShards][chunk];
        for (int done = 0; done < byteCount; done += chunk) {
            int n = Math.min(chunk, byteCount - done);
            run(program, data, offset + done, expected, 0, n);
            for (int p = 0; p < parityShards; p++) {
                byte[] actual = shards[dataShards + p];
                if (!Arrays.equals(expected[p], 0, n, actual, offset + done, offset + done + n)) {
                    return false;
                }
            }
        }
        return true;
    }

    private XorProgram parityProgram(int dataShards, int parityShards) {
        return program(new EncodeKey(dataShards, parityShards), key -> XorProgram.compile(
                GfMatrix.systematicEncoding(dataShards, parityShards).rows(dataShards, dataShards + parityShards)));
    }

    /**
     * Rebuilds every shard whose {@code present} flag is false over {@code [offset, offset+byteCount)}; a null
     * array for a missing shard is allocated.
     */
    void decodeMissing(int dataShards, int parityShards, byte[][] shards, boolean[] present, int offset,
            int byteCount) {
        BitSet wanted = new BitSet();
        checkPresent(dataShards, parityShards, shards, present);
        for (int i = 0; i < present.length; i++) {
            if (!present[i]) {
                wanted.set(i);
            }
        }
        rebuild(dataShards, parityShards, shards, present, wanted, offset, byteCount);
    }

    /**
     * Rebuilds the missing shards named in {@code wanted} from the first {@code dataShards} present ones over
     * {@code [offset, offset+byteCount)}; the other missing shards are left alone.
     */
    void rebuild(int dataShards, int parityShards, byte[][] shards, boolean[] present, BitSet wanted, int offset,
            int byteCount) {
        checkPresent(dataShards, parityShards, shards, present);
        int total = dataShards + parityShards;
        int[] chosen = new int[dataShards];
        int presentCount = 0;
        for (int i = 0; i < total; i++) {
            if (present[i]) {
                if (presentCount < dataShards) {
                    chosen[presentCount] = i;
                }
                presentCount++;
            }
        }
        if (presentCount < dataShards) {
            throw new IllegalArgumentException("cannot rebuild a " + dataShards + "+" + parityShards + " stripe: "
                    + presentCount + " shards present, " + dataShards + " needed");
        }
        BitSet rebuilt = (BitSet) wanted.clone();
        for (int i = 0; i < total; i++) {
            if (present[i]) {
                rebuilt.clear(i);
            }
        }
        if (rebuilt.length() > total) {
            throw new IllegalArgumentException("shard " + (rebuilt.length() - 1) + " asked for, the stripe has "
                    + total);
        }
        checkRange(offset, byteCount);
        for (int i = rebuilt.nextSetBit(0); i >= 0; i = rebuilt.nextSetBit(i + 1)) {
            if (shards[i] == null) {
                shards[i] = new byte[offset + byteCount];
            }
            checkShard(shards, i, offset, byteCount);
        }
        for (int index : chosen) {
            checkShard(shards, index, offset, byteCount);
        }
        if (rebuilt.isEmpty() || byteCount == 0) {
            return;
        }
        int[] outputs = rebuilt.stream().toArray();
        XorProgram program = program(new DecodeKey(dataShards, parityShards, List.of(box(chosen)),
                List.of(box(outputs))), key -> XorProgram.compile(decodeMatrix(dataShards, parityShards, chosen,
                outputs)));
        byte[][] in = new byte[dataShards][];
        for (int i = 0; i < dataShards; i++) {
            in[i] = shards[chosen[i]];
        }
        byte[][] out = new byte[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            out[i] = shards[outputs[i]];
        }
        run(program, in, offset, out, offset, byteCount);
    }

    /** Rows that compute shards {@code outputs} from shards {@code chosen}. */
    static GfMatrix decodeMatrix(int dataShards, int parityShards, int[] chosen, int[] outputs) {
        GfMatrix encoding = GfMatrix.systematicEncoding(dataShards, parityShards);
        GfMatrix inverse = encoding.selectRows(chosen).inverse();
        int[][] rows = new int[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            int index = outputs[i];
            rows[i] = index < dataShards ? inverse.row(index)
                    : GfMatrix.of(new int[][] {encoding.row(index)}).times(inverse).row(0);
        }
        return GfMatrix.of(rows);
    }

    private XorProgram program(Object key, Function<Object, XorProgram> compiler) {
        synchronized (programs) {
            XorProgram cached = programs.get(key);
            if (cached != null) {
                return cached;
            }
        }
        XorProgram compiled = compiler.apply(key);
        synchronized (programs) {
            programs.putIfAbsent(key, compiled);
        }
        return compiled;
    }

    int cachedPrograms() {
        synchronized (programs) {
            return programs.size();
        }
    }

    private void run(XorProgram program, byte[][] inputs, int inOffset, byte[][] outputs, int outOffset,
            int byteCount) {
        long work = (long) byteCount * (inputs.length + outputs.length);
        int chunks = (int) Math.min(work / CHUNK_WORK_BYTES, byteCount / sliceBytes);
        if (chunks <= 1 || spreader.threads() == 1) {
            runPart(program, inputs, inOffset, outputs, outOffset, byteCount);
            return;
        }
        int chunkBytes = (byteCount / chunks + sliceBytes - 1) / sliceBytes * sliceBytes;
        int count = (byteCount + chunkBytes - 1) / chunkBytes;
        spreader.run(count, chunk -> {
            int from = chunk * chunkBytes;
            runPart(program, inputs, inOffset + from, outputs, outOffset + from,
                    Math.min(chunkBytes, byteCount - from));
        });
    }

    private void runPart(XorProgram program, byte[][] inputs, int inOffset, byte[][] outputs, int outOffset,
            int byteCount) {
        WordScratch scratch = scratchPool.poll();
        if (scratch == null) {
            scratch = new WordScratch(sliceBytes);
        } else {
            pooledScratch.decrementAndGet();
        }
        try {
            program.run(inputs, inOffset, outputs, outOffset, byteCount, scratch.fit(program));
        } finally {
            if (pooledScratch.incrementAndGet() <= spreader.threads() + 2) {
                scratchPool.offer(scratch);
            } else {
                pooledScratch.decrementAndGet();
            }
        }
    }

    private static Integer[] box(int[] values) {
        return Arrays.stream(values).boxed().toArray(Integer[]::new);
    }

    private static void checkPresent(int dataShards, int parityShards, byte[][] shards, boolean[] present) {
        checkGeometry(dataShards, parityShards);
        if (present == null || present.length != dataShards + parityShards) {
            throw new IllegalArgumentException("present must have " + (dataShards + parityShards) + " flags, got "
                    + (present == null ? "null" : present.length));
        }
        if (shards == null || shards.length != dataShards + parityShards) {
            throw new IllegalArgumentException("a " + dataShards + "+" + parityShards + " stripe needs "
                    + (dataShards + parityShards) + " shards, got " + (shards == null ? "null" : shards.length));
        }
    }

    private static void checkGeometry(int dataShards, int parityShards) {
        if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > FragmentPlan.MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException("need 1 <= data shards, 0 <= parity shards and at most "
                    + FragmentPlan.MAX_TOTAL_SHARDS + " in all, got " + dataShards + "+" + parityShards);
        }
    }

    private static void checkShards(int dataShards, int parityShards, byte[][] shards, int offset, int byteCount) {
        checkGeometry(dataShards, parityShards);
        if (shards == null || shards.length != dataShards + parityShards) {
            throw new IllegalArgumentException("a " + dataShards + "+" + parityShards + " stripe needs "
                    + (dataShards + parityShards) + " shards, got " + (shards == null ? "null" : shards.length));
        }
        checkRange(offset, byteCount);
        for (int i = 0; i < shards.length; i++) {
            checkShard(shards, i, offset, byteCount);
        }
    }

    private static void checkRange(int offset, int byteCount) {
        if (offset < 0 || byteCount < 0) {
            throw new IllegalArgumentException("offset and byte count must be >= 0, got " + offset + " and "
                    + byteCount);
        }
    }

    private static void checkShard(byte[][] shards, int index, int offset, int byteCount) {
        if (shards[index] == null) {
            throw new IllegalArgumentException("shard " + index + " is null");
        }
        if (shards[index].length < (long) offset + byteCount) {
            throw new IllegalArgumentException("shard " + index + " has " + shards[index].length
                    + " bytes, fewer than offset " + offset + " + byte count " + byteCount);
        }
    }

    /** Cache key of the parity program of a geometry. */
    private record EncodeKey(int dataShards, int parityShards) {
    }

    /** Cache key of the program rebuilding {@code outputs} from {@code chosen}. */
    private record DecodeKey(int dataShards, int parityShards, List<Integer> chosen, List<Integer> outputs) {
    }
}
