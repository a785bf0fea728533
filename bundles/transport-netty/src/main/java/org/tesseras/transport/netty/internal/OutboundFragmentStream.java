package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.port.TransportException;

/**
 * Sends one fragment on a connection: its header (unless the header went ahead, as a push's does), chunks read
 * from {@code envelope.content().open()}, then an end frame. Runs on a worker thread in bursts: it writes while the channel is writable and
 * waits for the next writability event otherwise, so at most one chunk per stream is being read and a
 * few are buffered, whatever the fragment size. {@link #stop} makes it send an aborted end and quit.
 */
final class OutboundFragmentStream implements Runnable {
    private final Channel channel;
    private final Executor executor;
    private final long requestId;
    private final FragmentEnvelope envelope;
    private final int chunkBytes;
    private final String description;
    private final BiConsumer<OutboundFragmentStream, Throwable> onFinished;
    /** Whether the stream opens with its header (a fetch answer) or the header went ahead of it (a push). */
    private final boolean sendsHeader;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile String stopReason;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean finished;
    /** Why this side gave up, set before the aborted end frame is written. */
    private volatile Throwable failure;

    // pump thread only (runs are serialized by `scheduled`)
    private InputStream source;
    private byte[] buffer;
    private volatile long sentBytes;
    private boolean started;

    /**
     * @param onFinished called once when the end frame has been written ({@code null} failure) or the
     *        stream gave up (the failure)
     */
    OutboundFragmentStream(Channel channel, Executor executor, long requestId, FragmentEnvelope envelope,
            int chunkBytes, String description, boolean sendsHeader,
            BiConsumer<OutboundFragmentStream, Throwable> onFinished) {
        this.sendsHeader = sendsHeader;
        this.channel = channel;
        this.executor = executor;
        this.requestId = requestId;
        this.envelope = envelope;
        this.chunkBytes = chunkBytes;
        this.description = description;
        this.onFinished = onFinished;
    }

    /** Starts (or continues after a writability change) sending on a worker thread. */
    void resume() {
        if (finished || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
            finish(new TransportException(description + ": the transport is shutting down"));
        }
    }

    /** Stops sending; an end frame marked aborted tells the receiver why, if the connection still works. */
    void stop(String reason) {
        stopReason = reason;
        resume();
    }

    /** When bytes last moved, for stall detection. */
    long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** Bytes read from the source and handed to the connection so far. */
    long sentBytes() {
        return sentBytes;
    }

    long requestId() {
        return requestId;
    }

    boolean isFinished() {
        return finished;
    }

    /**
     * Why this side gave up, or {@code null}. It is set before the aborted end frame goes out, so a receiver's
     * answer to that frame always finds it: the push then fails with this cause, not with the answer.
     */
    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            pump();
        } catch (IOException | RuntimeException e) {
            abort(e);
        } catch (Error e) {
            abort(new TransportException(description + ": " + e, e));
            throw e;
        } finally {
            if (!finished) {
                scheduled.set(false);
                if (channel.isWritable() || stopReason != null || !channel.isActive()) {
                    resume();
                }
            }
        }
    }

    private void pump() throws IOException {
        if (!started) {
            source = envelope.content().open();
            buffer = new byte[(int) Math.max(1, Math.min(chunkBytes, envelope.length()))];
            started = true;
            if (sendsHeader) {
                write(Wire.Envelope.newBuilder().setFragmentHeader(WireMapper.header(envelope)));
            }
        }
        while (true) {
            String stop = stopReason;
            if (stop != null) {
                abort(new TransportException(description + ": " + stop));
                return;
            }
            if (!channel.isActive()) {
                abort(new TransportException(description + ": the connection closed after " + sentBytes + " of "
                        + envelope.length() + " bytes"));
                return;
            }
            if (sentBytes == envelope.length()) {
                write(Wire.Envelope.newBuilder().setFragmentEnd(Wire.FragmentEnd.getDefaultInstance()));
                finish(null);
                return;
            }
            if (!channel.isWritable()) {
                return;
            }
            int want = (int) Math.min(buffer.length, envelope.length() - sentBytes);
            int n = source.readNBytes(buffer, 0, want);
            if (n < want) {
                throw new IOException(description + ": the fragment source ended after " + (sentBytes + n) + " of "
                        + envelope.length() + " bytes");
            }
            write(Wire.Envelope.newBuilder().setFragmentChunk(
                    Wire.FragmentChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(buffer, 0, n))));
            sentBytes += n;
        }
    }

    /** Frames and writes now: the buffer is copied into the frame before the next chunk is read into it. */
    private void write(Wire.Envelope.Builder body) throws TransportException {
        if (channel.eventLoop().isShuttingDown()) {
            throw new TransportException(description + ": the transport is stopping");
        }
        Wire.Envelope frameEnvelope = body.setVersion(FrameDecoder.WIRE_VERSION).setRequestId(requestId).build();
        ByteBuf frame = FrameEncoder.encode(channel.alloc(), frameEnvelope);
        lastProgressNanos = System.nanoTime();
        channel.writeAndFlush(frame).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                lastProgressNanos = System.nanoTime();
            } else if (stopReason == null) {
                stop("write failed: " + future.cause());
            }
        });
    }

    private void abort(Exception cause) {
        if (finished) {
            return;
        }
        Exception failure = cause instanceof TransportException ? cause
                : new TransportException(description + ": " + cause.getMessage(), cause);
        this.failure = failure;
        if (started && channel.isActive()) {
            String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            try {
                write(Wire.Envelope.newBuilder().setFragmentEnd(
                        Wire.FragmentEnd.newBuilder().setAborted(true).setReason(truncate(reason))));
            } catch (TransportException | RuntimeException e) {
                // the connection is going away; the receiver sees it close instead
            }
        }
        finish(failure);
    }

    private void finish(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        if (source != null) {
            try {
                source.close();
            } catch (IOException e) {
                // the bytes are sent or abandoned; nothing to do about a failing close
            }
        }
        source = null;
        buffer = null;
        onFinished.accept(this, failure);
    }

    private static String truncate(String reason) {
        return reason.length() <= 500 ? reason : reason.substring(0, 497) + "...";
    }
}
