package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongConsumer;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.Hasher;

/** Channels that hash what passes through them, so bytes are checked without a second read. */
final class HashingChannels {
    private static final int PUMP_BUFFER_BYTES = 1 << 20;

    private HashingChannels() {
    }

    /** Copies everything {@code in} yields into {@code out} (one of these channels hashes on the way); closes neither. */
    static long pump(ReadableByteChannel in, WritableByteChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(PUMP_BUFFER_BYTES);
        long copied = 0;
        while (in.read(buffer) >= 0) {
            buffer.flip();
            copied += buffer.remaining();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }
        return copied;
    }

    /** A readable channel that hashes every byte read and counts them. */
    static final class Reading implements ReadableByteChannel {
        private final ReadableByteChannel in;
        private final Hasher.IncrementalHash hash;
        private long bytes;

        Reading(ReadableByteChannel in, Hasher hasher) {
            this.in = in;
            this.hash = hasher.newHash();
        }

        @Override
        public int read(ByteBuffer target) throws IOException {
            int start = target.position();
            int n = in.read(target);
            if (n > 0) {
                ByteBuffer read = target.duplicate();
                read.position(start).limit(start + n);
                hash.update(read);
                bytes += n;
            }
            return n;
        }

        long bytes() {
            return bytes;
        }

        ContentHash finish() {
            return hash.finish();
        }

        /**
         * Reads and hashes whatever the consumer left unread (a decoder skips a last shard's padding) and says
         * whether everything read has {@code length} bytes hashing to {@code checksum}.
         */
        boolean drainAndCheck(ContentHash checksum, long length) throws IOException {
            ByteBuffer rest = ByteBuffer.allocate(64 * 1024);
            while (bytes <= length && read(rest) >= 0) {
                rest.clear();
            }
            return bytes == length && finish().equals(checksum);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A writable channel that hashes every byte written and counts them. */
    static final class Writing implements WritableByteChannel {
        private final WritableByteChannel out;
        private final Hasher.IncrementalHash hash;
        private final LongConsumer written;
        private long bytes;

        /** {@code written} is told the running byte count after each write. */
        Writing(WritableByteChannel out, Hasher hasher, LongConsumer written) {
            this.out = out;
            this.hash = hasher.newHash();
            this.written = written;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            ByteBuffer passed = source.duplicate();
            int n = out.write(source);
            passed.limit(passed.position() + n);
            hash.update(passed);
            bytes += n;
            written.accept(bytes);
            return n;
        }

        long bytes() {
            return bytes;
        }

        ContentHash finish() {
            return hash.finish();
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** A channel that accepts and forgets everything. */
    static final class Discarding implements WritableByteChannel {
        private boolean open = true;

        @Override
        public int write(ByteBuffer source) {
            int n = source.remaining();
            source.position(source.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
