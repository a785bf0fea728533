package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.ByteString;
import io.netty.util.concurrent.EventExecutor;

/**
 * The bytes of one fragment arriving on a connection, read as an {@link InputStream} on a worker
 * thread. The event loop queues chunks; when more than a high-water mark is queued it stops reading
 * the connection (so TCP pushes back on the sender) and resumes below half of it. The stream ends
 * with -1 only after exactly the announced length and a regular end frame; a sender that aborts,
 * sends too much or too little, goes away or stalls makes {@code read} throw {@link IOException}.
 */
final class InboundFragmentStream extends InputStream {
    private static final Object END = new Object();

    /** How the stream pauses and resumes reading from its connection (called on the event loop only). */
    interface ReadControl {
        /** The event loop of the connection. */
        EventExecutor eventLoop();

        /** One more stream needs the connection to stop reading. */
        void pauseReading();

        /** A stream that paused reading no longer needs it. */
        void resumeReading();
    }

    private final String description;
    private final long expectedBytes;
    private final long stallTimeoutMillis;
    private final long minBytesPerSecond;
    private volatile long startNanos = System.nanoTime();
    private final long highWaterBytes;
    private final ReadControl control;
    private final AtomicLong peakQueuedBytes;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean paused;
    private volatile boolean abandoned;
    private volatile IOException cut;

    // event loop only
    private long receivedBytes;
    private boolean producerDone;

    // reader thread only
    private ByteBuffer current;
    private long consumedBytes;
    private boolean eof;
    private IOException failure;
    private boolean closed;

    /**
     * @param description what this is, for messages ("fragment … from …")
     * @param peakQueuedBytes gauge of the largest queue seen, shared by all streams of a transport
     */
    InboundFragmentStream(String description, long expectedBytes, long stallTimeoutMillis, long highWaterBytes,
            ReadControl control, AtomicLong peakQueuedBytes) {
        this(description, expectedBytes, stallTimeoutMillis, 1, highWaterBytes, control, peakQueuedBytes);
    }

    /**
     * @param minBytesPerSecond once the stream has run for {@code stallTimeoutMillis}, it must have brought this
     *        many bytes a second on average since (a trickling sender is cut)
     */
    InboundFragmentStream(String description, long expectedBytes, long stallTimeoutMillis, long minBytesPerSecond,
            long highWaterBytes, ReadControl control, AtomicLong peakQueuedBytes) {
        this.description = description;
        this.expectedBytes = expectedBytes;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.minBytesPerSecond = minBytesPerSecond;
        this.highWaterBytes = highWaterBytes;
        this.control = control;
        this.peakQueuedBytes = peakQueuedBytes;
    }

    /**
     * Starts the clock of the minimum rate again: a served push calls this when it lets the sender go, so the time
     * spent judging the header is not held against the sender.
     */
    void startClock() {
        startNanos = System.nanoTime();
    }

    // ---- producer side: the event loop ----

    /** Queues a chunk (event loop). */
    void onChunk(ByteString data) {
        if (producerDone) {
            return;
        }
        receivedBytes += data.size();
        if (receivedBytes > expectedBytes) {
            fail(new IOException(description + ": the sender sent more than the announced " + expectedBytes
                    + " bytes"));
            return;
        }
        if (abandoned || data.isEmpty()) {
            return;
        }
        queue.add(data);
        long queued = queuedBytes.addAndGet(data.size());
        peakQueuedBytes.accumulateAndGet(queued, Math::max);
        if (queued >= highWaterBytes && !paused) {
            paused = true;
            control.pauseReading();
            // the reader may have drained the queue before it could see `paused`: then it posted no resume
            resumeIfDrained();
        }
    }

    /** The sender closed the stream, regularly or {@code aborted} (event loop). */
    void onEnd(boolean aborted, String reason) {
        if (producerDone) {
            return;
        }
        if (aborted) {
            fail(new IOException(description + ": the sender aborted after " + receivedBytes + " of "
                    + expectedBytes + " bytes" + (reason.isEmpty() ? "" : ": " + reason)));
        } else if (receivedBytes != expectedBytes) {
            fail(new IOException(description + ": the stream ended after " + receivedBytes + " of "
                    + expectedBytes + " bytes"));
        } else {
            producerDone = true;
            queue.add(END);
            unpause();
        }
    }

    /** Ends the stream with {@code cause}; bytes already queued are still read first (event loop). */
    void fail(IOException cause) {
        if (producerDone) {
            return;
        }
        producerDone = true;
        queue.add(cause);
        unpause();
    }

    /** Whether the end or a failure has been queued (event loop). */
    boolean isProducerDone() {
        return producerDone;
    }

    private void unpause() {
        if (paused) {
            paused = false;
            control.resumeReading();
        }
    }

    // ---- consumer side: a worker thread ----

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (closed) {
            throw new IOException(description + ": stream closed");
        }
        if (length == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (eof) {
                return -1;
            }
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
            Object item = take();
            if (item == END) {
                eof = true;
                return -1;
            }
            if (item instanceof IOException e) {
                failure = e;
                throw new IOException(e.getMessage(), e);
            }
            ByteString chunk = (ByteString) item;
            current = chunk.asReadOnlyByteBuffer();
            long queued = queuedBytes.addAndGet(-chunk.size());
            if (paused && queued <= highWaterBytes / 2) {
                postResume();
            }
        }
        int n = Math.min(length, current.remaining());
        current.get(target, offset, n);
        consumedBytes += n;
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** Stops reading: queued and later chunks are dropped and the connection reads on. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        abandoned = true;
        current = null;
        queue.clear();
        queuedBytes.set(0);
        postResume();
    }

    /** Why the reader gave up on a sender that stalled or trickled, or null when it did not. */
    IOException cut() {
        return cut;
    }

    /** Bytes handed to the reader so far. */
    long consumedBytes() {
        return consumedBytes;
    }

    private Object take() throws IOException {
        try {
            Object item = queue.poll();
            if (item == null) {
                if (paused) {
                    postResume();
                }
                item = queue.poll(stallTimeoutMillis, TimeUnit.MILLISECONDS);
            }
            if (item == null) {
                throw giveUp(new IOException(description + ": no data for " + stallTimeoutMillis + " ms after "
                        + consumedBytes + " of " + expectedBytes + " bytes"));
            }
            long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
            long brought = consumedBytes + queuedBytes.get();
            if (item instanceof ByteString && elapsedMillis > stallTimeoutMillis
                    && brought < (elapsedMillis - stallTimeoutMillis) * minBytesPerSecond / 1000) {
                throw giveUp(new IOException(description + ": too slow, " + brought + " of " + expectedBytes
                        + " bytes in " + elapsedMillis + " ms, less than " + minBytesPerSecond + " bytes a second"));
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(description + ": interrupted after " + consumedBytes + " of "
                    + expectedBytes + " bytes");
        }
    }

    private IOException giveUp(IOException cause) {
        failure = cause;
        cut = cause;
        abandoned = true;
        queue.clear();
        queuedBytes.set(0);
        postResume();
        return cause;
    }

    private void postResume() {
        try {
            control.eventLoop().execute(this::resumeIfDrained);
        } catch (RejectedExecutionException e) {
            // the event loop is gone, and with it the connection
        }
    }

    private void resumeIfDrained() {
        if (paused && (abandoned || queuedBytes.get() <= highWaterBytes / 2)) {
            unpause();
        }
    }
}
