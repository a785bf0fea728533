package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Set;

import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.port.FragmentIntegrityException;

/**
 * Where data shard {@code index} lies in a tessera being rebuilt into a file: bytes {@code [index × shardSize,
 * ...)}, cut at the tessera's end; the rest of the shard is zero padding ({@link FragmentPlan}). A data shard
 * fetched for a get is written straight to its place as it arrives, so getting a tessera whose data shards all
 * arrive costs no work file and no copy; parity that rebuilds a missing data shard reads the others back from
 * their places. Writes and reads are positional: fetches running at once share the file, and its position is
 * left to whoever decodes into it.
 */
final class ShardRegion {
    private final FileChannel file;
    private final String name;
    private final long offset;
    private final long inTessera;
    private final long shardSize;

    private ShardRegion(FileChannel file, String name, long offset, long inTessera, long shardSize) {
        this.file = file;
        this.name = name;
        this.offset = offset;
        this.inTessera = inTessera;
        this.shardSize = shardSize;
    }

    /** The place of data shard {@code index} of {@code plan}'s tessera in {@code file}. */
    static ShardRegion of(FileChannel file, FragmentPlan plan, int index) {
        if (index < 0 || index >= plan.dataShards()) {
            throw new IllegalArgumentException("fragment " + index + " of " + plan.tesseraHash() + " is not one of its "
                    + plan.dataShards() + " data shards");
        }
        long offset = index * plan.shardSize();
        long inTessera = Math.max(0, Math.min(plan.shardSize(), plan.tesseraSize() - offset));
        return new ShardRegion(file, plan.tesseraHash() + "/" + index, offset, inTessera, plan.shardSize());
    }

    /**
     * A writer for one attempt at this shard: the first bytes go to their place, the padding is dropped (it was
     * hashed on the way, as the caller's checksum covers it). Closing it makes later writes fail, so a fetch
     * given up on cannot overwrite the bytes of the next one.
     */
    Writer writer() {
        return new Writer();
    }

    /** Reads the shard back from its place, padding included (zeros), for a decoder. */
    ReadableByteChannel reader() {
        return new Reader();
    }

    /**
     * {@code file} for a decoder that writes the whole tessera into it: writes that fall in the places of the data
     * shards in {@code inPlace} are skipped, those bytes being there already (checked against the manifest as they
     * arrived); the rest goes through. Positions and size are the file's.
     */
    static SeekableByteChannel skippingPlaced(FileChannel file, FragmentPlan plan, Set<Integer> inPlace) {
        return new SkippingPlaced(file, plan, inPlace);
    }

    /** Copies the shard's bytes inside the tessera from {@code shard} to their place; leaves the padding unread. */
    void copyFrom(ReadableByteChannel shard) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(1, inTessera)));
        long done = 0;
        while (done < inTessera) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), inTessera - done));
            while (buffer.hasRemaining()) {
                if (shard.read(buffer) < 0) {
                    throw new FragmentIntegrityException(name + " ended after " + (done + buffer.position())
                            + " bytes; its place in the tessera holds " + inTessera);
                }
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                done += file.write(buffer, offset + done);
            }
        }
    }

    /**
     * Writes one fetch's bytes to the place. Writing and closing exclude each other: once {@link #close} returns
     * (a fetch given up on at its timeout), no byte of this writer reaches the file any more, not even one whose
     * write had begun, so the next source's bytes cannot be overwritten by a late one.
     */
    final class Writer implements WritableByteChannel {
        private long written;
        private volatile boolean open = true;

        @Override
        public synchronized int write(ByteBuffer source) throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            int count = source.remaining();
            if (written + count > shardSize) {
                throw new FragmentIntegrityException(name + " is longer than its " + shardSize + " bytes");
            }
            int inside = (int) Math.max(0, Math.min(count, inTessera - written));
            ByteBuffer head = source.slice().limit(inside);
            long at = offset + written;
            while (head.hasRemaining()) {
                at += file.write(head, at);
            }
            source.position(source.limit());
            written += count;
            return count;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public synchronized void close() {
            open = false;
        }
    }

    private final class Reader implements ReadableByteChannel {
        private long read;
        private boolean open = true;

        @Override
        public int read(ByteBuffer target) throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            if (read >= shardSize) {
                return -1;
            }
            int wanted = (int) Math.min(target.remaining(), shardSize - read);
            if (read < inTessera) {
                ByteBuffer part = target.slice().limit((int) Math.min(wanted, inTessera - read));
                int n = file.read(part, offset + read);
                if (n < 0) {
                    throw new IOException(name + ": the file being rebuilt ends at " + (offset + read) + ", before"
                            + " the end of this shard's place");
                }
                target.position(target.position() + n);
                read += n;
                return n;
            }
            for (int i = 0; i < wanted; i++) {
                target.put((byte) 0);
            }
            read += wanted;
            return wanted;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        /** Leaves the file open: it belongs to whoever rebuilds into it. */
        @Override
        public void close() {
            open = false;
        }
    }

    private static final class SkippingPlaced implements SeekableByteChannel {
        private final FileChannel file;
        private final FragmentPlan plan;
        private final Set<Integer> inPlace;
        private long position;

        SkippingPlaced(FileChannel file, FragmentPlan plan, Set<Integer> inPlace) {
            this.file = file;
            this.plan = plan;
            this.inPlace = inPlace;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            int count = source.remaining();
            while (source.hasRemaining()) {
                // the data shard this byte belongs to, and how far its place reaches
                int index = (int) Math.min(position / plan.shardSize(), plan.dataShards() - 1);
                long placeEnd = (index + 1L) * plan.shardSize();
                int span = (int) Math.min(source.remaining(), Math.max(1, placeEnd - position));
                if (inPlace.contains(index)) {
                    source.position(source.position() + span);
                    position += span;
                } else {
                    ByteBuffer part = source.slice().limit(span);
                    while (part.hasRemaining()) {
                        position += file.write(part, position);
                    }
                    source.position(source.position() + span);
                }
            }
            return count;
        }

        @Override
        public int read(ByteBuffer target) throws IOException {
            int n = file.read(target, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            position = Math.min(position, size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        /** Leaves the file open: it belongs to whoever rebuilds into it. */
        @Override
        public void close() {
        }
    }
}
