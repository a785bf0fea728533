package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.transport.netty.internal.FragmentStreamTest.MIB;
import static org.tesseras.transport.netty.internal.FragmentStreamTest.drain;
import static org.tesseras.transport.netty.internal.FragmentStreamTest.patternEnvelope;
import static org.tesseras.transport.netty.internal.NettyTransportTest.await;
import static org.tesseras.transport.netty.internal.NettyTransportTest.eventually;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.transport.netty.internal.FragmentStreamTest.Received;
import org.tesseras.transport.netty.internal.TestNodes.Node;

/**
 * Issue 13's load from hostile or merely slow peers, on real sockets: trickling streams, a throttled link, hundreds
 * of connections held open. Every node here runs on 127.0.0.1, so tests that need many connections from several
 * peers raise the per-address cap (it would count all of them as one host).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileLoadTest {
    private static final Logger LOG = LoggerFactory.getLogger(HostileLoadTest.class);
    /**
     * RPC timeout of a node whose cap tests hold plain sockets open: it is also the TLS handshake timeout, and it is
     * far longer than any wait here, so only the caps can close those sockets while the test looks.
     */
    private static final long SILENT_TLS_MILLIS = 600_000L;
    private static final int CAP_SECONDS = 5;

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private final List<SocketChannel> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        sockets.forEach(HostileLoadTest::closeQuietly);
        nodes.forEach(Node::close);
    }

    private Node start(Map<String, Object> overrides) {
        Node node = TestNodes.node(dir, overrides);
        nodes.add(node);
        return node;
    }

    @Test
    void eightNodeIdsWithFourTricklingStreamsEachDoNotKeepAPingFromAnotherPeerWaitingASecond() throws Exception {
        // streams slower than 8 KiB/s on average after the first 5 s are cut: a 5 KiB/s trickle lasts about 13 s
        Node victim = start(Map.of("rpcTimeoutMillis", 5_000L, "minStreamBytesPerSecond", 8_192,
                "maxInboundConnectionsPerAddress", 1024));
        AtomicInteger reading = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger cutTooSlow = new AtomicInteger();
        victim.handler().onFragment = (sender, envelope) -> {
            reading.incrementAndGet();
            Received received = drain(envelope.content().open());
            finished.incrementAndGet();
            if (received.failure() != null) {
                if (String.valueOf(received.failure().getMessage()).contains("too slow")
                        || String.valueOf(received.failure().getMessage()).contains("no data")) {
                    cutTooSlow.incrementAndGet();
                }
                return ReplicateAck.refused(RefusalReason.CHECKSUM, received.failure().getMessage(), List.of());
            }
            return ReplicateAck.accepted(List.of(envelope.id().index()));
        };
        List<CompletableFuture<ReplicateAck>> trickles = new ArrayList<>();
        for (int attacker = 0; attacker < 8; attacker++) {
            // a hostile sender never gives up on its own streams
            Node sybil = start(Map.of("minStreamBytesPerSecond", 1, "rpcTimeoutMillis", 600_000L));
            for (int stream = 0; stream < 4; stream++) {
                FragmentEnvelope big = FragmentStreamTest.uncheckedEnvelope(64 * MIB, 1000 + 10 * attacker + stream);
                trickles.add(sybil.transport().sendFragment(victim.loopbackContact(), new FragmentEnvelope(big.id(),
                        big.manifest(), () -> new TricklingStream(big.content().open()))));
            }
        }
        eventually("the victim reads 32 trickling streams at once", () -> reading.get() >= 32);

        Node other = start(Map.of());
        long begin = System.nanoTime();
        Throwable busy = NettyTransportTest.failure(other.transport().sendFragment(victim.loopbackContact(),
                patternEnvelope(MIB, 1)));
        long busyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        assertEquals(ErrorCode.BUSY, assertInstanceOf(RemoteErrorException.class, busy).code(),
                "every served stream is taken: a push is answered BUSY at once, its sender tries another node");
        assertTrue(busyMillis < 1_000, "BUSY came after " + busyMillis + " ms");

        long worstMillis = 0;
        for (int i = 0; i < 10; i++) {
            long sent = System.nanoTime();
            Message reply = await(other.transport().request(victim.loopbackContact(), new Message.Ping())).message();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertInstanceOf(Message.Pong.class, reply);
            worstMillis = Math.max(worstMillis, millis);
        }
        int stillTrickling = reading.get() - finished.get();
        LOG.info("{} trickling streams from 8 NodeIds: a push from another peer was answered BUSY in {} ms, the slowest"
                + " of 10 pings took {} ms", stillTrickling, busyMillis, worstMillis);
        assertEquals(32, stillTrickling, "the pings were sent while all 32 streams trickled");
        assertTrue(worstMillis < 1_000, "a ping took " + worstMillis + " ms");

        eventually("the trickling streams are cut for moving less than 8 KiB a second", () -> cutTooSlow.get() >= 32);
        eventually("the served streams are free again", () -> {
            try {
                return await(other.transport().sendFragment(victim.loopbackContact(), patternEnvelope(MIB, 2)))
                        .accepted();
            } catch (Exception e) {
                return false;
            }
        });
        LOG.info("{} trickling streams cut by the victim; then a push from another peer was taken", cutTooSlow.get());
    }

    @Test
    void twoConcurrentSixteenMebibytePushesOverAThrottledLinkBothSucceed() throws Exception {
        Node owner = start(Map.of("rpcTimeoutMillis", 5_000L));
        Node holder = start(Map.of("rpcTimeoutMillis", 5_000L));
        Map<ContentHash, Received> seen = new ConcurrentHashMap<>();
        holder.handler().onFragment = (sender, envelope) -> {
            Received received = drain(envelope.content().open());
            seen.put(envelope.id().checksum(), received);
            return received.failure() == null && received.hash().equals(envelope.id().checksum())
                    ? ReplicateAck.accepted(List.of(envelope.id().index()))
                    : ReplicateAck.refused(RefusalReason.CHECKSUM, String.valueOf(received.failure()), List.of());
        };
        long bytesPerSecond = 3 * MIB;
        try (ThrottledLink link = new ThrottledLink(holder.address(), bytesPerSecond)) {
            Contact throughLink = new Contact(holder.identity().nodeId(), link.address());
            FragmentEnvelope first = patternEnvelope(16 * MIB, 21);
            FragmentEnvelope second = patternEnvelope(16 * MIB, 22);
            long begin = System.nanoTime();
            CompletableFuture<ReplicateAck> one = owner.transport().sendFragment(throughLink, first);
            CompletableFuture<ReplicateAck> two = owner.transport().sendFragment(throughLink, second);
            ReplicateAck ackOne = one.get(120, TimeUnit.SECONDS);
            ReplicateAck ackTwo = two.get(120, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

            assertTrue(ackOne.accepted(), ackOne.toString());
            assertTrue(ackTwo.accepted(), ackTwo.toString());
            assertEquals(16 * MIB, seen.get(first.id().checksum()).bytes());
            assertEquals(16 * MIB, seen.get(second.id().checksum()).bytes());
            LOG.info("Two concurrent 16 MiB pushes over a {} MiB/s link both succeeded in {} ms",
                    bytesPerSecond / MIB, millis);
            assertTrue(millis > 32 * 1000 / 3 * 9 / 10, "the link did throttle: " + millis + " ms");
        }
    }

    @Test
    void twoHundredConnectionsHeldOpenDoNotKeepAPushAndAFetchFromSucceeding() throws Exception {
        Node holder = start(Map.of("maxInboundConnectionsPerAddress", 1024, "rpcTimeoutMillis", SILENT_TLS_MILLIS));
        Node owner = start(Map.of());
        FragmentEnvelope kept = patternEnvelope(4 * MIB, 31);
        holder.handler().onFetch = (sender, hash) -> hash.equals(kept.id().tesseraHash()) ? Optional.of(kept)
                : Optional.empty();
        NodeIdentity squatter = TestNodes.identity(dir, TestNodes.DIFFICULTY);
        List<RawPeer> verified = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                RawPeer peer = RawPeer.connect(holder.address(), squatter, TestNodes.verifier(TestNodes.DIFFICULTY));
                peer.hello(squatter.nonce());
                verified.add(peer);
            }
            openPlain(holder.address(), 150);
            eventually("the holder holds the 200 connections", () ->
                    holder.transport().inboundConnectionCount() >= 200);

            pushAndFetch(owner, holder, kept, "with 200 connections held open");
            assertEquals(0, closedByServer(), "under the cap no held connection was closed");

            openPlain(holder.address(), 100);
            soon("past 256 idle connections are closed, those without a Hello first", () ->
                    holder.transport().inboundConnectionCount() <= 256 && closedByServer() >= 44);
            int closed = closedByServer();
            LOG.info("300 connections held open: the holder kept {}, of them {} plain ones closed",
                    holder.transport().inboundConnectionCount(), closed);
            assertTrue(holder.transport().inboundConnectionCount() <= 256);
            pushAndFetch(owner, holder, kept, "past the cap of connections");
        } finally {
            for (RawPeer peer : verified) {
                peer.close();
            }
        }
    }

    @Test
    void oneAddressHoldsAtMostItsShareOfConnections() throws Exception {
        Node holder = start(Map.of("maxInboundConnectionsPerAddress", 16, "rpcTimeoutMillis", SILENT_TLS_MILLIS));
        Node owner = start(Map.of());
        FragmentEnvelope kept = patternEnvelope(MIB, 41);
        holder.handler().onFetch = (sender, hash) -> Optional.of(kept);
        openPlain(holder.address(), 200);
        soon("the holder closed all but 16 of them", () -> closedByServer() >= 184);
        int closed = closedByServer();
        assertTrue(holder.transport().inboundConnectionCount() <= 16, holder.transport().inboundConnectionCount()
                + " connections from one address");
        LOG.info("200 connections from one address: the holder kept {}, closed {}",
                holder.transport().inboundConnectionCount(), closed);
        pushAndFetch(owner, holder, kept, "after one address opened 200 connections");
    }

    /**
     * Waits at most {@link #CAP_SECONDS} for {@code condition}: what the caps close, they close at once, long before
     * the TLS handshake timeout could.
     */
    private static void soon(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CAP_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + CAP_SECONDS + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private void pushAndFetch(Node owner, Node holder, FragmentEnvelope envelope, String when) throws Exception {
        long begin = System.nanoTime();
        ReplicateAck ack = await(owner.transport().sendFragment(holder.loopbackContact(), envelope));
        assertTrue(ack.accepted(), when + ": " + ack);
        Received back = await(owner.transport().fetchFragment(holder.loopbackContact(), envelope.id().tesseraHash(),
                0, (id, plan, in) -> drain(in)));
        assertEquals(envelope.id().checksum(), back.hash(), when);
        LOG.info("A push and a fetch of {} bytes {}: {} ms", envelope.length(), when,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    /** Opens {@code count} TCP connections that never say anything (not even TLS). */
    private void openPlain(InetSocketAddress address, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            SocketChannel socket = SocketChannel.open(address);
            socket.configureBlocking(false);
            sockets.add(socket);
        }
    }

    /** How many of the plain connections the server closed. */
    private int closedByServer() {
        int closed = 0;
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        for (SocketChannel socket : sockets) {
            try {
                buffer.clear();
                if (socket.read(buffer) < 0) {
                    closed++;
                }
            } catch (IOException e) {
                closed++;
            }
        }
        return closed;
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** 512 bytes every 100 ms: about 5 KiB a second, a trickle that never quite stops. */
    static final class TricklingStream extends InputStream {
        private final InputStream in;

        TricklingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("trickle interrupted");
            }
            return in.read(target, offset, Math.min(length, 512));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
