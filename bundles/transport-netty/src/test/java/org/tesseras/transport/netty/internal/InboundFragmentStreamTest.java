package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.google.protobuf.ByteString;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The receiving side of a stream on its own: ordering, exact length, failures, pause and resume. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InboundFragmentStreamTest {
    private final DefaultEventExecutor eventLoop = new DefaultEventExecutor();
    private final AtomicInteger paused = new AtomicInteger();
    private final InboundFragmentStream.ReadControl control = new InboundFragmentStream.ReadControl() {
        @Override
        public EventExecutor eventLoop() {
            return eventLoop;
        }

        @Override
        public void pauseReading() {
            paused.incrementAndGet();
        }

        @Override
        public void resumeReading() {
            paused.decrementAndGet();
        }
    };

    @AfterEach
    void stop() {
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private InboundFragmentStream stream(long length, long stallMillis) {
        return new InboundFragmentStream("fragment x from y", length, stallMillis, 100, control, new AtomicLong());
    }

    private void onEventLoop(Runnable action) {
        eventLoop.submit(action).syncUninterruptibly();
    }

    private static ByteString bytes(int from, int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (from + i);
        }
        return ByteString.copyFrom(data);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met in time");
            Thread.sleep(5);
        }
    }

    @Test
    void bytesComeOutInOrderAndEndOnlyAfterTheEndFrame() throws Exception {
        InboundFragmentStream stream = stream(10, 30_000);
        onEventLoop(() -> {
            stream.onChunk(bytes(0, 4));
            stream.onChunk(bytes(4, 6));
            stream.onEnd(false, "");
        });
        assertArrayEquals(bytes(0, 10).toByteArray(), stream.readAllBytes());
        assertEquals(-1, stream.read());
    }

    @Test
    void tooFewOrTooManyBytesOrAnAbortAreIoExceptions() throws Exception {
        InboundFragmentStream shortStream = stream(10, 30_000);
        onEventLoop(() -> {
            shortStream.onChunk(bytes(0, 4));
            shortStream.onEnd(false, "");
        });
        assertTrue(assertThrows(IOException.class, shortStream::readAllBytes).getMessage().contains("4 of 10"));

        InboundFragmentStream longStream = stream(10, 30_000);
        onEventLoop(() -> longStream.onChunk(bytes(0, 11)));
        assertTrue(assertThrows(IOException.class, longStream::readAllBytes).getMessage().contains("more than"));

        InboundFragmentStream aborted = stream(10, 30_000);
        onEventLoop(() -> {
            aborted.onChunk(bytes(0, 3));
            aborted.onEnd(true, "disk gone");
        });
        byte[] first = new byte[3];
        assertEquals(3, aborted.read(first));
        assertTrue(assertThrows(IOException.class, aborted::read).getMessage().contains("disk gone"));
    }

    @Test
    void aConnectionThatGoesAwayOrStallsFailsTheReader() throws Exception {
        InboundFragmentStream broken = stream(10, 30_000);
        onEventLoop(() -> broken.fail(new IOException("connection closed")));
        assertThrows(IOException.class, broken::read);

        InboundFragmentStream stalled = stream(10, 200);
        assertTrue(assertThrows(IOException.class, stalled::read).getMessage().contains("no data for 200 ms"));
    }

    @Test
    void readingPausesAtTheHighWaterMarkAndResumesBelowHalf() throws Exception {
        InboundFragmentStream stream = stream(1000, 30_000);
        onEventLoop(() -> {
            for (int i = 0; i < 4; i++) {
                stream.onChunk(bytes(0, 30));
            }
        });
        assertEquals(1, paused.get(), "paused once at 120 of 100 bytes queued");
        assertEquals(30, stream.read(new byte[30]));
        assertEquals(30, stream.read(new byte[30]));
        Thread.sleep(50);
        assertEquals(1, paused.get(), "still 60 queued, above half of the high-water mark");
        assertEquals(30, stream.read(new byte[30]));
        eventually(() -> paused.get() == 0);
    }

    @Test
    void closingEarlyDropsTheRestAndResumesReading() throws Exception {
        InboundFragmentStream stream = stream(1000, 30_000);
        onEventLoop(() -> {
            for (int i = 0; i < 5; i++) {
                stream.onChunk(bytes(0, 30));
            }
        });
        assertEquals(1, paused.get());
        stream.close();
        eventually(() -> paused.get() == 0);
        onEventLoop(() -> stream.onChunk(bytes(0, 500)));
        assertEquals(0, paused.get(), "later chunks are dropped, not queued");
        assertThrows(IOException.class, stream::read);
    }

    @Test
    void aReaderThatDrainedEverythingBeforeThePauseStillGetsTheRest() throws Exception {
        InboundFragmentStream stream = stream(1000, 30_000);
        byte[][] read = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                read[0] = stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        reader.start();
        for (int round = 0; round < 10; round++) {
            onEventLoop(() -> {
                for (int i = 0; i < 4; i++) {
                    stream.onChunk(bytes(0, 25));
                }
            });
            eventually(() -> paused.get() == 0);
        }
        onEventLoop(() -> stream.onEnd(false, ""));
        reader.join(30_000);
        assertEquals(1000, read[0].length);
    }
}
