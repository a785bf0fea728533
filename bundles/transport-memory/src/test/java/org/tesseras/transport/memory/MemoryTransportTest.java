package org.tesseras.transport.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.RequestTimeoutException;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.TestVerifiers;

class MemoryTransportTest {
    private static final IdentityVerifier VERIFIER = TestVerifiers.pow(8);
    private static final Blake3Hasher HASHER = new Blake3Hasher();

    private final MemoryNetwork network = new MemoryNetwork(Duration.ofMillis(200));

    @AfterEach
    void closeNetwork() {
        network.close();
    }

    @Test
    void identitiesCarryRealProofOfWorkOrVisiblyLackIt() {
        MemoryIdentity good = MemoryIdentity.generate(VERIFIER);
        assertTrue(VERIFIER.verifyPow(good.nodeId(), good.publicKey(), good.nonce()));
        assertTrue(good.powBits() >= 8);
        assertEquals(VERIFIER.powBits(good.publicKey(), good.nonce()), good.powBits());
        byte[] message = {1, 2, 3};
        assertTrue(VERIFIER.verifySignature(good.publicKey(), message, good.sign(message)));

        MemoryIdentity lazy = MemoryIdentity.withoutProofOfWork(VERIFIER);
        assertEquals(VERIFIER.deriveNodeId(lazy.publicKey()), lazy.nodeId());
        assertFalse(VERIFIER.verifyPow(lazy.nodeId(), lazy.publicKey(), lazy.nonce()));

        assertEquals(MemoryIdentity.generate(VERIFIER, 5).nodeId(), MemoryIdentity.generate(VERIFIER, 5).nodeId(),
                "a seed always yields the same identity");
        assertNotEquals(MemoryIdentity.generate(VERIFIER, 5).nodeId(), MemoryIdentity.generate(VERIFIER, 6).nodeId());
        MemoryIdentity seeded = MemoryIdentity.generate(VERIFIER, 7);
        assertTrue(VERIFIER.verifyPow(seeded.nodeId(), seeded.publicKey(), seeded.nonce()));

        NodeInfo forged = good.forgedNodeInfo(new NodeId(new byte[NodeId.LENGTH]), network.nextAddress());
        assertFalse(VERIFIER.verifyPow(forged.id(), forged.publicKey(), forged.nonce()));
    }

    @Test
    void requestReachesThePeerHandlerWithTheSenderIdentityOffTheCallerThread() throws Exception {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        RecordingHandler bobHandler = new RecordingHandler();
        bobHandler.on(bob);

        Transport.Reply reply = alice.request(Contact.of(bob.localNode()), new Message.Ping()).get(5, TimeUnit.SECONDS);

        assertEquals(new Message.Pong(), reply.message());
        assertEquals(bob.localNode(), reply.from());
        assertEquals(alice.localNode(), bobHandler.lastSender);
        assertNotEquals(Thread.currentThread(), bobHandler.lastThread);
        assertEquals(1, bob.inboundCount());

        Transport.Reply bySeedAddress = alice.request(bob.localNode().address(), new Message.Ping())
                .get(5, TimeUnit.SECONDS);
        assertEquals(bob.localNode(), bySeedAddress.from());
    }

    @Test
    void errorRepliesAndHandlerFailuresBecomeRemoteErrors() {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        Contact bobContact = Contact.of(bob.localNode());

        RemoteErrorException noHandler = remoteError(alice.request(bobContact, new Message.Ping()));
        assertEquals(ErrorCode.NO_HANDLER, noHandler.code());

        new RecordingHandler().on(bob);
        RemoteErrorException refused = remoteError(alice.request(bobContact, new Message.Stored()));
        assertEquals(ErrorCode.UNKNOWN_TYPE, refused.code());
        assertTrue(refused.getMessage().contains(bob.localNode().id().hex()), refused.getMessage());

        RemoteErrorException crashed = remoteError(
                alice.request(bobContact, new Message.FindNode(alice.localNode().id())));
        assertEquals(ErrorCode.INTERNAL, crashed.code());
    }

    @Test
    void downNodeRefusesAtOnceAndComesBack() throws Exception {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        new RecordingHandler().on(bob);
        Contact bobContact = Contact.of(bob.localNode());

        bob.takeDown();
        Throwable refused = failure(alice.request(bobContact, new Message.Ping()));
        assertInstanceOf(TransportException.class, refused);
        assertFalse(refused instanceof RequestTimeoutException);
        assertFalse(refused instanceof RemoteErrorException);
        assertTrue(refused.getMessage().contains(bob.localNode().id().hex()), refused.getMessage());
        Throwable cannotSend = failure(bob.request(Contact.of(alice.localNode()), new Message.Ping()));
        assertInstanceOf(TransportException.class, cannotSend);

        bob.bringUp();
        assertEquals(new Message.Pong(), alice.request(bobContact, new Message.Ping()).get(5, TimeUnit.SECONDS).message());
    }

    @Test
    void unresponsiveNodeTimesOut() {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        RecordingHandler handler = new RecordingHandler();
        handler.on(bob);
        bob.makeUnresponsive();

        Throwable timeout = failure(alice.request(Contact.of(bob.localNode()), new Message.Ping()));

        assertInstanceOf(RequestTimeoutException.class, timeout);
        assertTrue(timeout.getMessage().contains(bob.localNode().id().hex()), timeout.getMessage());
        assertEquals(null, handler.lastSender);
    }

    @Test
    void wrongIdentityOrEmptyAddressIsRefused() {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        new RecordingHandler().on(bob);
        NodeId someoneElse = MemoryIdentity.generate(VERIFIER).nodeId();

        Throwable impostor = failure(alice.request(new Contact(someoneElse, bob.localNode().address()), new Message.Ping()));
        assertInstanceOf(TransportException.class, impostor);
        assertTrue(impostor.getMessage().contains("not the expected " + someoneElse), impostor.getMessage());

        Throwable nobody = failure(alice.request(network.nextAddress(), new Message.Ping()));
        assertInstanceOf(TransportException.class, nobody);

        assertThrows(IllegalArgumentException.class,
                () -> network.join(MemoryIdentity.generate(VERIFIER), bob.localNode().address()));
    }

    @Test
    void fragmentsTravelAsStreamsBothWays() throws Exception {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        RecordingHandler bobHandler = new RecordingHandler();
        bobHandler.on(bob);
        byte[] bytes = new byte[10_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        FragmentEnvelope envelope = envelope(bytes);

        ReplicateAck ack = alice.sendFragment(Contact.of(bob.localNode()), envelope).get(5, TimeUnit.SECONDS);

        assertTrue(ack.accepted(), ack.toString());
        assertArrayEquals(bytes, bobHandler.received.get(envelope.id()));
        assertTrue(bobHandler.secondOpenFailed, "the receiver may open the incoming stream only once");

        byte[] fetched = alice.fetchFragment(Contact.of(bob.localNode()), envelope.id().tesseraHash(), 0,
                (id, plan, content) -> content.readAllBytes()).get(5, TimeUnit.SECONDS);
        assertArrayEquals(bytes, fetched);

        RemoteErrorException missing = remoteError(alice.fetchFragment(Contact.of(bob.localNode()),
                HASHER.hash(new byte[] {9}), 0, (id, plan, content) -> content.readAllBytes()));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
    }

    @Test
    void closedNetworkStopsItsThreadsAndRefusesRequests() {
        MemoryTransport alice = network.join(MemoryIdentity.generate(VERIFIER));
        MemoryTransport bob = network.join(MemoryIdentity.generate(VERIFIER));
        new RecordingHandler().on(bob);

        network.close();

        assertTrue(network.isTerminated());
        assertInstanceOf(TransportException.class, failure(alice.request(Contact.of(bob.localNode()), new Message.Ping())));
    }

    private static FragmentEnvelope envelope(byte[] bytes) {
        ContentHash tessera = HASHER.hash(bytes);
        FragmentPlan plan = FragmentPlan.of(tessera, bytes.length, FragmentationTier.SMALL, 1, 0, 7);
        FragmentId id = new FragmentId(tessera, 0, 1, HASHER.hash(bytes));
        return new FragmentEnvelope(id, TestManifests.unsigned(plan), FragmentSource.ofBytes(bytes));
    }

    private static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static RemoteErrorException remoteError(CompletableFuture<?> future) {
        return assertInstanceOf(RemoteErrorException.class, failure(future));
    }

    /** Answers Ping, refuses replies sent as requests, crashes on FindNode, keeps pushed fragments. */
    private static final class RecordingHandler implements RequestHandler, PushHandler, FetchHandler {
        final Map<FragmentId, byte[]> received = new ConcurrentHashMap<>();
        volatile NodeInfo lastSender;
        volatile Thread lastThread;
        volatile boolean secondOpenFailed;
        private final Map<FragmentId, FragmentEnvelope> kept = new ConcurrentHashMap<>();

        /** Makes this handler answer everything {@code transport} receives. */
        RecordingHandler on(MemoryTransport transport) {
            transport.handle(this, List.of("Ping", "Pong", "FindNode", "FoundNodes", "FindValue", "FoundValue",
                    "Store", "Stored", "AttestRequest", "AttestResponse"));
            transport.setPushHandler(this);
            transport.setFetchHandler(this);
            return this;
        }

        @Override
        public Message answer(NodeInfo sender, Message request) {
            lastSender = sender;
            lastThread = Thread.currentThread();
            if (request instanceof Message.Ping) {
                return new Message.Pong();
            }
            if (request instanceof Message.FindNode) {
                throw new IllegalStateException("planted failure");
            }
            return new Message.ErrorReply(ErrorCode.UNKNOWN_TYPE, "not a request");
        }

        @Override
        public Optional<ReplicateAck> judge(NodeInfo sender, FragmentId id, TesseraManifest manifest) {
            return Optional.empty();
        }

        @Override
        public ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
            lastSender = sender;
            try (InputStream in = envelope.content().open()) {
                byte[] bytes = in.readAllBytes();
                try {
                    envelope.content().open();
                } catch (IOException expected) {
                    secondOpenFailed = true;
                }
                received.put(envelope.id(), bytes);
                kept.put(envelope.id(), new FragmentEnvelope(envelope.id(), envelope.manifest(),
                        FragmentSource.ofBytes(bytes)));
                return ReplicateAck.accepted(List.of(envelope.id().index()));
            } catch (IOException e) {
                return ReplicateAck.refused(RefusalReason.CHECKSUM, e.getMessage(), List.of());
            }
        }

        @Override
        public Optional<FragmentEnvelope> serve(NodeInfo sender, ContentHash tesseraHash, int index) {
            return kept.values().stream()
                    .filter(e -> e.id().tesseraHash().equals(tesseraHash) && e.id().index() == index)
                    .findFirst();
        }
    }
}
