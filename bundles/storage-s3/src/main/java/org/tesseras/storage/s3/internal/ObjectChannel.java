package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over one object: bytes are streamed from a GET, and moving the position starts a ranged
 * GET from there on the next read, so a reader that seeks never downloads what it skips.
 */
final class ObjectChannel implements SeekableByteChannel {
    private final S3Objects objects;
    private final String key;
    private final long size;
    private InputStream stream;
    private long streamPosition;
    private long position;
    private boolean open = true;

    /** A channel of {@code size} bytes whose first GET (from 0) is already open as {@code first}. */
    ObjectChannel(S3Objects objects, String key, long size, InputStream first) {
        this.objects = objects;
        this.key = key;
        this.size = size;
        this.stream = first;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        if (!target.hasRemaining()) {
            return 0;
        }
        if (stream == null || streamPosition != position) {
            closeStream();
            stream = objects.get(key, position).orElseThrow(() -> new IOException("S3 object " + key
                    + " in bucket " + objects.bucket() + " vanished while it was read"));
            streamPosition = position;
        }
        int wanted = (int) Math.min(target.remaining(), size - position);
        int n;
        if (target.hasArray()) {
            n = S3Objects.read(stream, target.array(), target.arrayOffset() + target.position(), wanted);
            if (n > 0) {
                target.position(target.position() + n);
            }
        } else {
            byte[] bytes = new byte[Math.min(wanted, 64 * 1024)];
            n = S3Objects.read(stream, bytes, 0, bytes.length);
            if (n > 0) {
                target.put(bytes, 0, n);
            }
        }
        if (n < 0) {
            throw new IOException("S3 object " + key + " in bucket " + objects.bucket() + " ended at " + position
                    + " of " + size + " bytes");
        }
        position += n;
        streamPosition += n;
        return n;
    }

    @Override
    public int write(ByteBuffer source) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        closeStream();
    }

    private void closeStream() throws IOException {
        if (stream != null) {
            InputStream closing = stream;
            stream = null;
            if (closing instanceof software.amazon.awssdk.core.ResponseInputStream<?> response) {
                // do not drain the rest of a large object just to reuse the connection
                response.abort();
            }
            closing.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
