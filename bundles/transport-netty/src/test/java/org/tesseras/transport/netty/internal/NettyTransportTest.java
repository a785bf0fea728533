package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.Transport.Reply;
import org.tesseras.api.port.TransportException;
import org.tesseras.transport.netty.internal.TestNodes.Node;

/** Requests and replies between real transports over TLS on 127.0.0.1. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NettyTransportTest {
    static final long WAIT_SECONDS = 30;

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

    private Node start() {
        return start(Map.of());
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The failure of {@code future}, unwrapped. */
    static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        return e.getCause();
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aBusyPortDoesNotStopTheNodeWhichListensOnceThePortIsFree() throws Exception {
        Node peer = start();
        Node node;
        int port;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = taken.getLocalPort();
            node = start(Map.of("listenPort", port));
            assertFalse(node.transport().listening(), "the port is taken");
            assertEquals(port, node.transport().localNode().address().getPort(), "it announces the port it wants");
            Reply pong = await(node.transport().request(peer.loopbackContact(), new Message.Ping()));
            assertInstanceOf(Message.Pong.class, pong.message(), "it still reaches its peers");

            Node giveUp = TestNodes.node(dir, Map.of("listenPort", port));
            assertFalse(giveUp.transport().listening());
            giveUp.close();
        }
        eventually("listening once the port is free", () -> node.transport().listening());
        Reply fromPeer = await(peer.transport().request(node.loopbackContact(), new Message.Ping()));
        assertEquals(node.identity().nodeId(), fromPeer.from().id());

        nodes.forEach(Node::close);
        nodes.clear();
        eventually("no thread left, not even the stopped node's retries (" + transportThreadNames() + ")",
                () -> transportThreads() == 0);
    }

    @Test
    void requestsAndRepliesFlowBothWaysWithTheSendersVerifiedIdentity() throws Exception {
        Node a = start();
        Node b = start();
        NodeInfo listed = new NodeInfo(NodeId.of("00".repeat(19) + "01"), new byte[32], 7,
                new InetSocketAddress("::1", 9), java.util.Set.of("x"));
        a.handler().onRequest = (sender, request) -> new Message.FoundNodes(List.of(sender, listed));

        Reply pong = await(a.transport().request(b.loopbackContact(), new Message.Ping()));
        assertInstanceOf(Message.Pong.class, pong.message());
        assertEquals(b.identity().nodeId(), pong.from().id());
        assertEquals(new InetSocketAddress("127.0.0.1", b.address().getPort()), pong.from().address());
        NodeInfo seenByB = b.handler().senders.get(0);
        assertEquals(a.identity().nodeId(), seenByB.id());
        assertArrayEquals(a.identity().publicKey(), seenByB.publicKey());
        assertEquals(a.identity().nonce(), seenByB.nonce());
        assertEquals(new InetSocketAddress("127.0.0.1", a.address().getPort()), seenByB.address());

        NodeId target = NodeId.of("ab".repeat(20));
        Reply found = await(b.transport().request(a.loopbackContact(), new Message.FindNode(target)));
        assertEquals(a.identity().nodeId(), found.from().id());
        Message.FoundNodes nodesFound = assertInstanceOf(Message.FoundNodes.class, found.message());
        assertEquals(b.identity().nodeId(), nodesFound.nodes().get(0).id(), "a saw b as the sender");
        assertEquals(new InetSocketAddress("127.0.0.1", b.address().getPort()), nodesFound.nodes().get(0).address());
        assertEquals(listed, nodesFound.nodes().get(1));
    }

    @Test
    void richMessagesSurviveTheTripUnchanged() throws Exception {
        Node a = start();
        Node b = start();
        b.handler().onRequest = (sender, request) -> request;
        ContentHash hash = TestNodes.HASHER.hash(new byte[] {1, 2, 3});
        FragmentPlan plan = FragmentPlan.of(hash, 10_000_000, FragmentationTier.MEDIUM, 16, 8, 7);
        TesseraPointer pointer = a.identity().signPointer(TestManifests.unsigned(plan), List.of(
                new Holder(b.identity().nodeId(), new InetSocketAddress("127.0.0.1", 4433), List.of(0, 5, 23)),
                new Holder(a.identity().nodeId(), InetSocketAddress.createUnresolved("node.example", 4433),
                        List.of(1))), 1_700_000_000_000L);
        CataloguePage page = a.identity().signCataloguePage(1, 3, List.of(hash, TestNodes.HASHER.hash(new byte[] {4})),
                1_700_000_000_001L);
        byte[] nonce = new byte[Attestation.NONCE_LENGTH];
        nonce[3] = 9;
        Attestation attestation = new Attestation(hash, nonce, List.of(new Attestation.Entry(4, hash, new byte[32])),
                42L, b.identity().nodeId(), new byte[64]);
        List<Message> messages = List.of(new Message.Ping(), new Message.Store(pointer),
                new Message.FoundValue(List.of(pointer, pointer)), new Message.FindValue(hash), new Message.Stored(),
                new Message.AttestRequest(hash, nonce), new Message.AttestResponse(attestation),
                new Message.FindCatalogue(a.identity().nodeId(), 2), new Message.FoundCatalogue(page),
                new Message.StoreCatalogue(page));
        for (Message message : messages) {
            assertEquals(message, await(a.transport().request(b.loopbackContact(), message)).message());
        }
    }

    @Test
    void aSeedAddressIsAnsweredByWhoeverProvesItself() throws Exception {
        Node a = start();
        Node b = start();
        Reply reply = await(a.transport().request(b.address(), new Message.Ping()));
        assertEquals(b.identity().nodeId(), reply.from().id());
    }

    @Test
    void aPeerProvingAnotherIdThanTheContactSaysIsRefused() throws Exception {
        Node a = start();
        Node b = start();
        Node c = start();
        Contact wrong = new Contact(c.identity().nodeId(), b.address());
        Throwable failure = failure(a.transport().request(wrong, new Message.Ping()));
        assertInstanceOf(TransportException.class, failure);
        assertTrue(failure.getMessage().contains(c.identity().nodeId().hex())
                && failure.getMessage().contains(b.identity().nodeId().hex()), failure.getMessage());
        assertTrue(b.handler().senders.isEmpty(), "nothing reached b's handler");
        assertInstanceOf(Message.Pong.class, await(a.transport().request(b.loopbackContact(), new Message.Ping()))
                .message());
    }

    @Test
    void everyPeerHeardFromIsToldToThePeerListenersOnBothSides() throws Exception {
        Node a = start();
        Node b = start();
        await(a.transport().request(b.loopbackContact(), new Message.Ping()));
        assertTrue(b.handler().seen.stream().anyMatch(p -> p.id().equals(a.identity().nodeId())),
                "the answering side saw the asker: " + b.handler().seen);
        assertTrue(a.handler().seen.stream().anyMatch(p -> p.id().equals(b.identity().nodeId())),
                "the asking side saw the answerer: " + a.handler().seen);
        NodeInfo seenByB = b.handler().seen.stream().filter(p -> p.id().equals(a.identity().nodeId())).findFirst()
                .orElseThrow();
        assertEquals(a.transport().localNode().address().getPort(), seenByB.address().getPort(),
                "with the address it listens on, from its Hello");
    }

    @Test
    void withoutAHandlerRequestsAreAnsweredNoHandlerUntilOneIsBound() throws Exception {
        Node a = start();
        Node b = start();
        TestNodes.unbind(b.transport(), b.handler());
        RemoteErrorException error = assertInstanceOf(RemoteErrorException.class,
                failure(a.transport().request(b.loopbackContact(), new Message.Ping())));
        assertEquals(ErrorCode.NO_HANDLER, error.code());

        TestNodes.TestHandler replacement = new TestNodes.TestHandler();
        TestNodes.bind(b.transport(), replacement);
        assertInstanceOf(Message.Pong.class, await(a.transport().request(b.loopbackContact(), new Message.Ping()))
                .message());
        assertEquals(1, replacement.senders.size());
    }

    @Test
    void aFailingHandlerBecomesAnInternalErrorAndTheNodeServesOn() throws Exception {
        Node a = start();
        Node b = start();
        b.handler().onRequest = (sender, request) -> {
            if (request instanceof Message.FindValue) {
                throw new IllegalStateException("boom");
            }
            return new Message.Pong();
        };
        ContentHash hash = TestNodes.HASHER.hash(new byte[0]);
        RemoteErrorException error = assertInstanceOf(RemoteErrorException.class,
                failure(a.transport().request(b.loopbackContact(), new Message.FindValue(hash))));
        assertEquals(ErrorCode.INTERNAL, error.code());
        assertTrue(error.getMessage().contains("boom"), error.getMessage());
        assertInstanceOf(Message.Pong.class, await(a.transport().request(b.loopbackContact(), new Message.Ping()))
                .message());
    }

    @Test
    void anErrorReplyFromTheHandlerFailsTheCallerWithItsCode() throws Exception {
        Node a = start();
        Node b = start();
        RemoteErrorException error = assertInstanceOf(RemoteErrorException.class, failure(a.transport().request(
                b.loopbackContact(), new Message.FindNode(NodeId.of("01".repeat(20))))));
        assertEquals(ErrorCode.REFUSED, error.code());
        assertTrue(error.getMessage().contains(b.identity().nodeId().shortHex()), "names the peer: "
                + error.getMessage());
    }

    @Test
    void aRequestWithoutReplyTimesOutAndFreesItsPendingEntry() throws Exception {
        Node a = start(Map.of("rpcTimeoutMillis", 300L));
        Node b = start();
        CountDownLatch release = new CountDownLatch(1);
        b.handler().onRequest = (sender, request) -> {
            if (request instanceof Message.FindValue) {
                try {
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Message.Pong();
        };
        await(a.transport().request(b.loopbackContact(), new Message.Ping()));
        CompletableFuture<Reply> slow = a.transport().request(b.loopbackContact(),
                new Message.FindValue(TestNodes.HASHER.hash(new byte[0])));
        Throwable failure = failure(slow);
        assertInstanceOf(RequestTimeoutException.class, failure);
        assertTrue(failure.getMessage().contains(b.identity().nodeId().shortHex()), failure.getMessage());
        assertEquals(0, a.transport().pendingRequestCount());

        release.countDown();
        assertInstanceOf(Message.Pong.class, await(a.transport().request(b.loopbackContact(), new Message.Ping()))
                .message());
        assertEquals(0, a.transport().pendingRequestCount());
    }

    @Test
    void connectionsAreReusedAndClosedWhenIdle() throws Exception {
        Node a = start(Map.of("idleTimeoutSeconds", 1));
        Node b = start();
        for (int i = 0; i < 5; i++) {
            await(a.transport().request(b.loopbackContact(), new Message.Ping()));
        }
        assertEquals(1, a.transport().outboundConnectionCount());
        eventually("the idle connection closes", () -> a.transport().outboundConnectionCount() == 0);
        assertInstanceOf(Message.Pong.class, await(a.transport().request(b.loopbackContact(), new Message.Ping()))
                .message());
    }

    @Test
    void concurrentRequestsShareAFewConnections() throws Exception {
        Node a = start();
        Node b = start();
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(a.transport().request(b.loopbackContact(), new Message.Ping()));
        }
        for (CompletableFuture<Reply> reply : replies) {
            assertInstanceOf(Message.Pong.class, await(reply).message());
        }
        assertTrue(a.transport().outboundConnectionCount() <= 2, "at most connectionsPerPeer connections, got "
                + a.transport().outboundConnectionCount());
        assertEquals(0, a.transport().pendingRequestCount());
    }

    @Test
    void anUnreachablePeerFailsWithItsAddress() throws Exception {
        Node a = start();
        Node b = start();
        InetSocketAddress gone = b.address();
        Contact contact = b.loopbackContact();
        b.close();
        nodes.remove(b);
        Throwable failure = failure(a.transport().request(contact, new Message.Ping()));
        assertInstanceOf(TransportException.class, failure);
        assertTrue(failure.getMessage().contains(":" + gone.getPort()), failure.getMessage());
    }

    @Test
    void deactivateStopsEveryThreadItStarted() throws Exception {
        Node a = TestNodes.node(dir, Map.of());
        Node b = TestNodes.node(dir, Map.of());
        await(a.transport().request(b.loopbackContact(), new Message.Ping()));
        await(b.transport().request(a.loopbackContact(), new Message.Ping()));
        assertTrue(transportThreads() > 0);
        a.close();
        b.close();
        eventually("no transport thread is left (" + transportThreadNames() + ")", () -> transportThreads() == 0);
        Throwable failure = failure(a.transport().request(b.loopbackContact(), new Message.Ping()));
        assertInstanceOf(TransportException.class, failure);
    }

    static long transportThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(NettyTransport.THREAD_NAME_PREFIX)).count();
    }

    static List<String> transportThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(NettyTransport.THREAD_NAME_PREFIX)).toList();
    }
}
