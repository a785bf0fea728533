package org.tesseras.storage.fs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a fragment's bytes go while it is written: the temporary file, through the page cache or around it.
 *
 * <p>A fragment a peer sends us is written once and then left alone until someone asks for it, days later if
 * ever: copying it into the page cache only costs the kernel a copy per byte and pushes out what is worth caching.
 * Those are written with {@code O_DIRECT} ({@link #uncached}) where the file system allows it: in whole aligned
 * blocks from a reused aligned buffer, the last block padded and the file then cut to its length. Where it does
 * not (some file systems, a JDK without {@code com.sun.nio.file}), the same bytes go through the page cache.
 */
abstract class ShardSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardSink.class);

    /** Bytes written to the device at once; one buffer per fragment being received. */
    static final int DIRECT_BUFFER_BYTES = 1 << 20;
    /** Alignment of buffers, offsets and lengths for O_DIRECT: a multiple of every block size in use. */
    static final int ALIGNMENT = 4096;
    /** Aligned buffers kept for the next fragment (a few fragments arrive at once). */
    private static final BlockingQueue<ByteBuffer> BUFFERS = new ArrayBlockingQueue<>(8);
    /** Whether falling back to the page cache was already logged at INFO. */
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    /** A sink through the page cache. */
    static ShardSink cached(Path temp) throws IOException {
        return new Cached(FileChannel.open(temp, StandardOpenOption.WRITE));
    }

    /** A sink around the page cache where the file system allows it, else through it. */
    static ShardSink uncached(Path temp) throws IOException {
        return uncached(temp, () -> Files.getFileStore(temp).getBlockSize());
    }

    /**
     * As {@link #uncached(Path)}, with the block size of {@code temp}'s file system told by {@code blockSize}
     * (a store looks it up once: the JDK reads the mount table each time).
     */
    static ShardSink uncached(Path temp, BlockSize blockSize) throws IOException {
        long bytes;
        try {
            bytes = blockSize.bytes();
        } catch (IOException | UnsupportedOperationException e) {
            logFallback("the block size of " + temp.getParent() + " cannot be told (" + e + ")");
            return cached(temp);
        }
        return uncached(temp, directOption(), bytes);
    }

    /** The block size of a file system, in bytes. */
    @FunctionalInterface
    interface BlockSize {
        long bytes() throws IOException;
    }

    /**
     * As {@link #uncached(Path)}, with the option that opens a file around the page cache (if any) and the file
     * system's block size, to which the JDK holds every O_DIRECT write's buffer, length and offset: one that
     * {@link #ALIGNMENT} is not a multiple of (ZFS's 128 KiB records, for one) goes through the page cache.
     */
    static ShardSink uncached(Path temp, Optional<OpenOption> direct, long blockSize) throws IOException {
        if (direct.isPresent() && (blockSize <= 0 || ALIGNMENT % blockSize != 0)) {
            logFallback(temp.getParent() + " has blocks of " + blockSize + " bytes, which " + ALIGNMENT
                    + "-byte writes do not align to");
        } else if (direct.isPresent()) {
            try {
                return new Direct(FileChannel.open(temp, StandardOpenOption.WRITE, direct.get()));
            } catch (UnsupportedOperationException | IOException e) {
                // some file systems answer EINVAL to O_DIRECT; the bytes are the same through the page cache
                logFallback(temp.getParent() + " does not take O_DIRECT (" + e + ")");
            }
        }
        return cached(temp);
    }

    /** Whether this sink writes around the page cache. */
    boolean bypassesPageCache() {
        return this instanceof Direct;
    }

    abstract void write(ByteBuffer source) throws IOException;

    /** Writes what is still buffered, gives the file its exact length and makes it durable. */
    abstract void finish(long length) throws IOException;

    @Override
    public abstract void close() throws IOException;

    private static Optional<OpenOption> directOption() {
        try {
            return Optional.of(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (LinkageError e) {
            logFallback("the JDK's com.sun.nio.file is not visible here (" + e + ")");
            return Optional.empty();
        }
    }

    private static void logFallback(String why) {
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            LOG.info("Fragments received from peers are written through the page cache: {}", why);
        }
    }

    /** Through the page cache, its sync started while it is written (see {@link EarlyWriteback}). */
    private static final class Cached extends ShardSink {
        private final FileChannel channel;
        private final EarlyWriteback writeback;

        Cached(FileChannel channel) {
            this.channel = channel;
            this.writeback = new EarlyWriteback(channel);
        }

        @Override
        void write(ByteBuffer source) throws IOException {
            int length = source.remaining();
            while (source.hasRemaining()) {
                channel.write(source);
            }
            writeback.written(length);
        }

        @Override
        void finish(long length) throws IOException {
            writeback.finish(true);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Around the page cache: each write is on the device when it returns, so there is nothing to write back early,
     * and a sync before the end would only flush the device's cache once more.
     */
    private static final class Direct extends ShardSink {
        private final FileChannel channel;
        private ByteBuffer buffer;

        Direct(FileChannel channel) {
            this.channel = channel;
            ByteBuffer pooled = BUFFERS.poll();
            this.buffer = pooled != null ? pooled
                    : ByteBuffer.allocateDirect(DIRECT_BUFFER_BYTES + ALIGNMENT).alignedSlice(ALIGNMENT)
                            .limit(DIRECT_BUFFER_BYTES).slice();
        }

        @Override
        void write(ByteBuffer source) throws IOException {
            while (source.hasRemaining()) {
                int n = Math.min(source.remaining(), buffer.remaining());
                buffer.put(buffer.position(), source, source.position(), n);
                buffer.position(buffer.position() + n);
                source.position(source.position() + n);
                if (!buffer.hasRemaining()) {
                    drain();
                }
            }
        }

        @Override
        void finish(long length) throws IOException {
            if (buffer.position() > 0) {
                int tail = buffer.position();
                int padded = (tail + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                while (buffer.position() < padded) {
                    buffer.put((byte) 0);
                }
                drain();
            }
            channel.truncate(length);
            channel.force(true);
        }

        /** Writes the whole buffer (a multiple of the alignment) at the channel's position. */
        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                if (buffer != null) {
                    buffer.clear();
                    BUFFERS.offer(buffer);
                    buffer = null;
                }
            }
        }
    }

    /** For tests: whether {@code temp}'s file system takes the uncached sink. */
    static boolean writesUncached(Path directory) throws IOException {
        Path probe = Files.createTempFile(directory, "probe", StorageRoot.TEMP_SUFFIX);
        try (ShardSink sink = uncached(probe)) {
            return sink.bypassesPageCache();
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
