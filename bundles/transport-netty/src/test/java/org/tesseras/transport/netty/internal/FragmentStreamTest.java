package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.transport.netty.internal.NettyTransportTest.WAIT_SECONDS;
import static org.tesseras.transport.netty.internal.NettyTransportTest.await;
import static org.tesseras.transport.netty.internal.NettyTransportTest.failure;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.TransportException;
import org.tesseras.transport.netty.internal.TestNodes.Node;
import org.tesseras.transport.netty.internal.TestNodes.PatternStream;

/** Fragment pushes and fetches between real transports: integrity, backpressure, aborts, limits. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FragmentStreamTest {
    static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(Node::close);
    }

    private Node start(Map<String, Object> overrides) {
        Node node = TestNodes.node(dir, overrides);
        nodes.add(node);
        return node;
    }

    /** What a hashing receiver saw. */
    record Received(ContentHash hash, long bytes, IOException failure) {
    }

    /** A SMALL-tier fragment of {@code length} pseudo-random bytes from {@code seed}, read afresh each open. */
    static FragmentEnvelope patternEnvelope(long length, long seed) {
        ContentHash checksum = TestNodes.patternHash(length, seed);
        FragmentPlan plan = FragmentPlan.of(checksum, length, FragmentationTier.SMALL, 1, 0, 7);
        return new FragmentEnvelope(new FragmentId(checksum, 0, 1, checksum), TestManifests.unsigned(plan),
                () -> new PatternStream(length, seed));
    }

    /** Like {@link #patternEnvelope} with a made-up checksum, for tests whose receiver does not check it. */
    static FragmentEnvelope uncheckedEnvelope(long length, long seed) {
        ContentHash made = TestNodes.HASHER.hash(new byte[] {(byte) seed, (byte) (seed >>> 8), 42});
        FragmentPlan plan = FragmentPlan.of(made, length, FragmentationTier.SMALL, 1, 0, 7);
        return new FragmentEnvelope(new FragmentId(made, 0, 1, made), TestManifests.unsigned(plan),
                () -> new PatternStream(length, seed));
    }

    /** Reads the whole stream, hashing; returns what was read or the failure. */
    static Received drain(InputStream in) {
        Hasher.IncrementalHash hash = TestNodes.HASHER.newHash();
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                hash.update(buffer, 0, n);
                bytes += n;
            }
            return new Received(hash.finish(), bytes, null);
        } catch (IOException e) {
            return new Received(null, bytes, e);
        }
    }

    /** Makes {@code node} hash every pushed fragment, report it, and accept it when intact. */
    static CompletableFuture<Received> hashingReceiver(Node node) {
        CompletableFuture<Received> seen = new CompletableFuture<>();
        node.handler().onFragment = (sender, envelope) -> {
            Received received = drain(envelope.content().open());
            seen.complete(received);
            if (received.failure() != null) {
                return ReplicateAck.refused(RefusalReason.CHECKSUM, received.failure().getMessage(), List.of());
            }
            return received.hash().equals(envelope.id().checksum()) && received.bytes() == envelope.length()
                    ? ReplicateAck.accepted(List.of(envelope.id().index()))
                    : ReplicateAck.refused(RefusalReason.CHECKSUM, "mismatch", List.of());
        };
        return seen;
    }

    /** Byte counts only; the Micrometer adapter behind the port is tested in the distribution. */
    static final class ByteCounts extends NodeMetricsAdapter {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();

        @Override
        public void bytesSent(long bytes) {
            sent.addAndGet(bytes);
        }

        @Override
        public void bytesReceived(long bytes) {
            received.addAndGet(bytes);
        }
    }

    @Test
    void theBytesOnTheWireAreCountedOnBothSides() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        ByteCounts atA = new ByteCounts();
        ByteCounts atB = new ByteCounts();
        a.transport().setMetrics(atA);
        b.transport().setMetrics(atB);
        ReplicateAck ack = await(a.transport().sendFragment(b.loopbackContact(), patternEnvelope(3 * MIB, 5)));
        assertTrue(ack.accepted(), ack.toString());

        assertTrue(atA.sent.get() > 3 * MIB, "the fragment and its TLS framing went out: " + atA.sent);
        NettyTransportTest.eventually("b counted every byte a sent, and a every byte b sent",
                () -> atB.received.get() == atA.sent.get() && atA.received.get() == atB.sent.get());
        a.transport().unsetMetrics(atA);
        long before = atA.sent.get();
        await(a.transport().request(b.loopbackContact(), new Message.Ping()));
        assertEquals(before, atA.sent.get(), "nothing is counted once the metrics service is gone");
    }

    @Test
    void aHundredMebibyteFragmentArrivesIntactThroughBoundedBuffers() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        FragmentEnvelope envelope = patternEnvelope(100 * MIB, 1);
        CompletableFuture<Received> seen = hashingReceiver(b);

        ReplicateAck ack = await(a.transport().sendFragment(b.loopbackContact(), envelope));

        assertTrue(ack.accepted(), ack.toString());
        assertEquals(List.of(0), ack.fragmentsHeld());
        Received received = await(seen);
        assertEquals(100 * MIB, received.bytes());
        assertEquals(envelope.id().checksum(), received.hash());
        assertEquals(a.identity().nodeId(), b.handler().senders.get(0).id());
        long queueBound = 4L * 262144 + 2L * (1024 * 1024 + 1024);
        assertTrue(b.transport().peakQueuedBytes() <= queueBound,
                "receiver queue peaked at " + b.transport().peakQueuedBytes() + " bytes");
    }

    @Test
    void aFetchedFragmentStreamsBackToTheReader() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        FragmentEnvelope held = patternEnvelope(20 * MIB + 17, 2);
        b.handler().onFetch = (sender, hash) -> hash.equals(held.id().tesseraHash())
                ? Optional.of(held)
                : Optional.empty();
        FragmentReader<Received> reader = (id, plan, content) -> {
            assertEquals(held.id(), id);
            assertEquals(held.plan(), plan);
            return drain(content);
        };

        Received received = await(a.transport().fetchFragment(b.loopbackContact(), held.id().tesseraHash(), 0,
                reader));

        assertEquals(null, received.failure());
        assertEquals(held.length(), received.bytes());
        assertEquals(held.id().checksum(), received.hash());
        assertEquals(a.identity().nodeId(), b.handler().senders.get(0).id());
    }

    @Test
    void aSenderThatGoesAwayMidStreamLeavesTheHandlerWithAnIOException() throws Exception {
        Node a = TestNodes.node(dir, Map.of());
        Node b = start(Map.of());
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FragmentEnvelope full = uncheckedEnvelope(64 * MIB, 3);
        FragmentEnvelope envelope = new FragmentEnvelope(full.id(), full.manifest(),
                () -> new StallingStream(new PatternStream(64 * MIB, 3), 8 * MIB, halfway, release));
        CompletableFuture<Received> seen = hashingReceiver(b);

        CompletableFuture<ReplicateAck> sending = a.transport().sendFragment(b.loopbackContact(), envelope);
        assertTrue(halfway.await(WAIT_SECONDS, TimeUnit.SECONDS));
        Thread stopper = new Thread(a::close);
        stopper.start();
        Received received = seen.get(WAIT_SECONDS, TimeUnit.SECONDS);
        release.countDown();
        stopper.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

        assertInstanceOf(IOException.class, received.failure());
        assertTrue(received.bytes() < 64 * MIB);
        assertInstanceOf(TransportException.class, failure(sending));
    }

    @Test
    void aSourceThatFailsMidStreamAbortsItAndTheHandlerSeesWhy() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        FragmentEnvelope full = uncheckedEnvelope(16 * MIB, 4);
        FragmentEnvelope envelope = new FragmentEnvelope(full.id(), full.manifest(),
                () -> new FailingStream(new PatternStream(16 * MIB, 4), 5 * MIB));
        CompletableFuture<Received> seen = hashingReceiver(b);

        Throwable failure = failure(a.transport().sendFragment(b.loopbackContact(), envelope));

        assertInstanceOf(TransportException.class, failure);
        assertTrue(failure.getMessage().contains("disk gone"), failure.getMessage());
        Received received = await(seen);
        assertInstanceOf(IOException.class, received.failure());
        assertTrue(received.failure().getMessage().contains("aborted"), received.failure().getMessage());
        assertInstanceOf(Message.Pong.class, await(a.transport().request(b.loopbackContact(), new Message.Ping()))
                .message());
    }

    @Test
    void aReceiverThatRefusesEarlyStopsTheSenderAndServesOn() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        b.handler().onFragment = (sender, envelope) -> ReplicateAck.refused(RefusalReason.DEFICIT, "you owe us",
                List.of());
        FragmentEnvelope big = uncheckedEnvelope(256 * MIB, 5);

        ReplicateAck refused = await(a.transport().sendFragment(b.loopbackContact(), big));

        assertFalse(refused.accepted());
        assertEquals(RefusalReason.DEFICIT, refused.reason());
        assertEquals("you owe us", refused.detail());
        CompletableFuture<Received> seen = hashingReceiver(b);
        FragmentEnvelope small = patternEnvelope(MIB, 6);
        assertTrue(await(a.transport().sendFragment(b.loopbackContact(), small)).accepted());
        assertEquals(small.id().checksum(), await(seen).hash());
    }

    @Test
    void aPushRefusedAtItsHeaderSendsNoFragmentByte() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        b.handler().onJudge = (sender, id) -> java.util.Optional.of(ReplicateAck.refused(RefusalReason.PEER_LIMIT,
                "not from you", List.of()));
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        FragmentEnvelope template = uncheckedEnvelope(64 * MIB, 7);
        FragmentEnvelope counted = new FragmentEnvelope(template.id(), template.manifest(), () -> {
            opened.incrementAndGet();
            return template.content().open();
        });

        ReplicateAck refused = await(a.transport().sendFragment(b.loopbackContact(), counted));

        assertFalse(refused.accepted());
        assertEquals(RefusalReason.PEER_LIMIT, refused.reason());
        assertEquals(0, opened.get(), "the fragment source was never even opened");
        assertTrue(b.handler().senders.isEmpty(), "the receiving handler was never asked to read a stream");
        b.handler().onJudge = (sender, id) -> java.util.Optional.empty();
        CompletableFuture<Received> seen = hashingReceiver(b);
        FragmentEnvelope small = patternEnvelope(MIB, 8);
        assertTrue(await(a.transport().sendFragment(b.loopbackContact(), small)).accepted());
        assertEquals(small.id().checksum(), await(seen).hash());
    }

    @Test
    void streamsBeyondTheReceiversLimitAreAnsweredBusy() throws Exception {
        Node a = start(Map.of("maxConcurrentStreamsPerPeer", 4));
        Node b = start(Map.of("maxConcurrentStreamsPerPeer", 1));
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        b.handler().onFragment = (sender, envelope) -> {
            inHandler.countDown();
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            Received received = drain(envelope.content().open());
            return received.failure() == null ? ReplicateAck.accepted(List.of(0))
                    : ReplicateAck.refused(RefusalReason.CHECKSUM, "broken", List.of());
        };
        CompletableFuture<ReplicateAck> first = a.transport().sendFragment(b.loopbackContact(),
                patternEnvelope(MIB, 7));
        assertTrue(inHandler.await(WAIT_SECONDS, TimeUnit.SECONDS));
        List<CompletableFuture<ReplicateAck>> more = List.of(
                a.transport().sendFragment(b.loopbackContact(), patternEnvelope(MIB, 8)),
                a.transport().sendFragment(b.loopbackContact(), patternEnvelope(MIB, 9)));
        for (CompletableFuture<ReplicateAck> busy : more) {
            RemoteErrorException e = assertInstanceOf(RemoteErrorException.class, failure(busy));
            assertEquals(ErrorCode.BUSY, e.code());
        }
        release.countDown();
        assertTrue(await(first).accepted());
    }

    @Test
    void withoutAHandlerPushesAndFetchesAreAnsweredNoHandler() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        TestNodes.unbind(b.transport(), b.handler());
        FragmentEnvelope envelope = uncheckedEnvelope(3 * MIB, 10);

        RemoteErrorException push = assertInstanceOf(RemoteErrorException.class,
                failure(a.transport().sendFragment(b.loopbackContact(), envelope)));
        assertEquals(ErrorCode.NO_HANDLER, push.code());
        RemoteErrorException fetch = assertInstanceOf(RemoteErrorException.class, failure(a.transport()
                .fetchFragment(b.loopbackContact(), envelope.id().tesseraHash(), 0, (id, plan, in) -> drain(in))));
        assertEquals(ErrorCode.NO_HANDLER, fetch.code());
    }

    @Test
    void aFragmentNotHeldIsNotFound() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        RemoteErrorException e = assertInstanceOf(RemoteErrorException.class, failure(a.transport().fetchFragment(
                b.loopbackContact(), TestNodes.HASHER.hash(new byte[] {9}), 3, (id, plan, in) -> drain(in))));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void aFailingReaderFailsItsFetchOnlyAndTheConnectionServesOn() throws Exception {
        Node a = start(Map.of());
        Node b = start(Map.of());
        FragmentEnvelope held = patternEnvelope(12 * MIB, 11);
        b.handler().onFetch = (sender, hash) -> Optional.of(held);
        FragmentReader<Long> quitter = (id, plan, in) -> {
            in.readNBytes(1000);
            throw new IOException("checksum of " + id + " does not match");
        };

        Throwable failure = failure(a.transport().fetchFragment(b.loopbackContact(), held.id().tesseraHash(), 0,
                quitter));
        assertInstanceOf(IOException.class, failure);
        assertTrue(failure.getMessage().contains("does not match"), failure.getMessage());

        Received again = await(a.transport().fetchFragment(b.loopbackContact(), held.id().tesseraHash(), 0,
                (id, plan, in) -> drain(in)));
        assertEquals(held.id().checksum(), again.hash());
    }

    @Test
    void concurrentStreamsBeyondTheSendersLimitWaitTheirTurn() throws Exception {
        Node a = start(Map.of("maxConcurrentStreamsPerPeer", 2));
        Node b = start(Map.of("maxConcurrentStreamsPerPeer", 2));
        hashingReceiver(b);
        List<FragmentEnvelope> envelopes = new ArrayList<>();
        List<CompletableFuture<ReplicateAck>> acks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            FragmentEnvelope envelope = patternEnvelope(4 * MIB + i, 100 + i);
            envelopes.add(envelope);
            acks.add(a.transport().sendFragment(b.loopbackContact(), envelope));
        }
        for (CompletableFuture<ReplicateAck> ack : acks) {
            assertTrue(await(ack).accepted());
        }
        assertTrue(a.transport().outboundConnectionCount() <= 2 + 2, "connections: "
                + a.transport().outboundConnectionCount());
    }

    @Test
    void aReceiverThatStopsReadingMakesTheSenderTimeOut() throws Exception {
        Node a = start(Map.of("rpcTimeoutMillis", 500L));
        Node b = start(Map.of());
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Received> seen = new CompletableFuture<>();
        b.handler().onFragment = (sender, envelope) -> {
            InputStream in = envelope.content().open();
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            seen.complete(drain(in));
            return ReplicateAck.refused(RefusalReason.INVALID, "late", List.of());
        };

        Throwable failure = failure(a.transport().sendFragment(b.loopbackContact(), uncheckedEnvelope(256 * MIB, 12)));
        release.countDown();

        assertInstanceOf(RequestTimeoutException.class, failure);
        assertInstanceOf(IOException.class, await(seen).failure(), "the receiver's stream breaks too");
    }

    /** Passes bytes through, then at {@code pauseAt} signals {@code reached} and waits for {@code release}. */
    static final class StallingStream extends InputStream {
        private final InputStream in;
        private final long pauseAt;
        private final CountDownLatch reached;
        private final CountDownLatch release;
        private final AtomicLong position = new AtomicLong();

        StallingStream(InputStream in, long pauseAt, CountDownLatch reached, CountDownLatch release) {
            this.in = in;
            this.pauseAt = pauseAt;
            this.reached = reached;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (position.get() >= pauseAt) {
                reached.countDown();
                try {
                    if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IOException("never released");
                    }
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted");
                }
            }
            int n = in.read(target, offset, (int) Math.min(length, Math.max(1, pauseAt - position.get())));
            if (n > 0) {
                position.addAndGet(n);
            }
            return n;
        }
    }

    /** Passes bytes through, then fails at {@code failAt}. */
    static final class FailingStream extends InputStream {
        private final InputStream in;
        private final long failAt;
        private long position;

        FailingStream(InputStream in, long failAt) {
            this.in = in;
            this.failAt = failAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (position >= failAt) {
                throw new IOException("disk gone at byte " + position);
            }
            int n = in.read(target, offset, (int) Math.min(length, failAt - position));
            position += Math.max(n, 0);
            return n;
        }
    }
}
