package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.transport.netty.internal.FragmentStreamTest.MIB;
import static org.tesseras.transport.netty.internal.NettyTransportTest.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.transport.netty.internal.FragmentStreamTest.Received;
import org.tesseras.transport.netty.internal.TestNodes.Node;

/** The slowest-stream rule: what its clock counts from, and what a stream cut by it takes down. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamRateTest {
    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private Node start(Map<String, Object> overrides) {
        Node node = TestNodes.node(dir, overrides);
        nodes.add(node);
        return node;
    }

    @Test
    void theTimeTheReceiverTakesToJudgeAPushIsNotHeldAgainstTheSender() throws Exception {
        Node receiver = start(Map.of("rpcTimeoutMillis", 1_000L, "minStreamBytesPerSecond", (int) MIB));
        Node sender = start(Map.of());
        receiver.handler().onJudge = (peer, id) -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        };
        FragmentEnvelope fragment = FragmentStreamTest.patternEnvelope(2 * MIB, 51);
        ReplicateAck ack = await(sender.transport().sendFragment(receiver.loopbackContact(), fragment));
        assertTrue(ack.accepted(), "a fast stream after a slow judgement is taken: " + ack);
    }

    @Test
    void aServedFetchReadTooSlowlyIsAbortedAloneNotWithItsConnection() throws Exception {
        Node holder = start(Map.of("rpcTimeoutMillis", 5_000L, "minStreamBytesPerSecond", (int) (8 * MIB)));
        Node owner = start(Map.of());
        FragmentEnvelope big = FragmentStreamTest.uncheckedEnvelope(64 * MIB, 52);
        holder.handler().onFetch = (sender, hash) -> Optional.of(big);
        Received slow = await(owner.transport().fetchFragment(holder.loopbackContact(), big.id().tesseraHash(), 0,
                (id, plan, in) -> readSlowlyFor(in, 10_000)));
        assertNotNull(slow.failure(), "a fetch read at about 320 KiB/s is cut at 8 MiB/s");
        String reason = String.valueOf(slow.failure().getMessage());
        assertTrue(reason.contains("aborted") && reason.contains("too slow"),
                "the holder aborted the stream, it did not close the connection: " + reason);

        FragmentEnvelope small = FragmentStreamTest.patternEnvelope(MIB, 53);
        holder.handler().onFetch = (sender, hash) -> Optional.of(small);
        Received fast = await(owner.transport().fetchFragment(holder.loopbackContact(), small.id().tesseraHash(), 0,
                (id, plan, in) -> FragmentStreamTest.drain(in)));
        assertNull(fast.failure());
        assertEquals(small.id().checksum(), fast.hash());
    }

    @Test
    void aFetchWhoseHolderStopsSendingIsCutAndFreesItsStreamSlot() throws Exception {
        Node holder = start(Map.of("rpcTimeoutMillis", 600_000L));
        Node owner = start(Map.of("rpcTimeoutMillis", 1_000L, "maxConcurrentStreamsPerPeer", 1));
        CountDownLatch release = new CountDownLatch(1);
        try {
            FragmentEnvelope stuck = FragmentStreamTest.uncheckedEnvelope(MIB, 54);
            FragmentEnvelope silent = new FragmentEnvelope(stuck.id(), stuck.manifest(), () -> new InputStream() {
                @Override
                public int read() throws IOException {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                    return -1;
                }
            });
            FragmentEnvelope small = FragmentStreamTest.patternEnvelope(MIB, 55);
            holder.handler().onFetch = (sender, hash) -> Optional.of(hash.equals(stuck.id().tesseraHash())
                    ? silent : small);
            Received cut = await(owner.transport().fetchFragment(holder.loopbackContact(), stuck.id().tesseraHash(),
                    0, (id, plan, in) -> FragmentStreamTest.drain(in)));
            assertNotNull(cut.failure(), "a holder that sends the header and then nothing is given up on");

            Received fetched = await(owner.transport().fetchFragment(holder.loopbackContact(),
                    small.id().tesseraHash(), 0, (id, plan, in) -> FragmentStreamTest.drain(in)));
            assertNull(fetched.failure(), "the only stream slot to the holder is free again");
            assertEquals(small.id().checksum(), fetched.hash());
        } finally {
            release.countDown();
        }
    }

    /** Reads 32 KiB every 100 ms for {@code slowMillis}, then as fast as it can; returns the count or the failure. */
    private static Received readSlowlyFor(InputStream in, long slowMillis) {
        long slowUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(slowMillis);
        byte[] buffer = new byte[32 * 1024];
        long bytes = 0;
        try (in) {
            for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
                bytes += n;
                if (System.nanoTime() < slowUntil) {
                    Thread.sleep(100);
                }
            }
            return new Received(null, bytes, null);
        } catch (IOException e) {
            return new Received(null, bytes, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Received(null, bytes, new IOException("interrupted", e));
        }
    }
}
