package org.tesseras.transport.netty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.PeerListener;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.crypto.internal.FileNodeIdentity;
import org.tesseras.crypto.internal.IdentityConfiguration;
import org.tesseras.crypto.internal.PowIdentityVerifier;

/** Real identities, verifiers and transports on 127.0.0.1 for the tests. */
final class TestNodes {
    /** Proof-of-work the test nodes require of each other. */
    static final int DIFFICULTY = 10;
    static final Hasher HASHER = new Blake3Hasher();

    private TestNodes() {
    }

    /** An annotation instance answering {@code overrides}, else each method's default. */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A annotation(Class<A> type, Map<String, Object> overrides) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + overrides;
                case "hashCode":
                    return overrides.hashCode();
                case "equals":
                    return proxy == args[0];
                default:
                    return overrides.getOrDefault(method.getName(), method.getDefaultValue());
            }
        });
    }

    /**
     * Transport configuration on 127.0.0.1, an ephemeral port, a 15 s RPC timeout (generous for a
     * loaded machine; tests of timeouts set their own), plus {@code overrides}.
     */
    static TransportConfiguration config(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>();
        values.put("listenHost", "127.0.0.1");
        values.put("listenPort", 0);
        values.put("rpcTimeoutMillis", 15_000L);
        values.putAll(overrides);
        return annotation(TransportConfiguration.class, values);
    }

    /** A new identity in {@code dir} with at least {@code difficulty} bits of proof-of-work. */
    static NodeIdentity identity(Path dir, int difficulty) {
        try {
            Path keyFile = Files.createTempFile(dir, "identity", ".key");
            Files.delete(keyFile);
            return FileNodeIdentity.minted(HASHER, identityConfig(keyFile, difficulty));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An identity whose NodeId has fewer than {@code below} bits of proof-of-work. */
    static NodeIdentity weakIdentity(Path dir, int below) {
        while (true) {
            NodeIdentity identity = identity(dir, 0);
            if (identity.powBits() < below) {
                return identity;
            }
        }
    }

    static IdentityVerifier verifier(int difficulty) {
        return new PowIdentityVerifier(HASHER, identityConfig(Path.of("unused"), difficulty));
    }

    private static IdentityConfiguration identityConfig(Path keyFile, int difficulty) {
        return annotation(IdentityConfiguration.class, Map.of("powDifficulty", difficulty, "keyFile",
                keyFile.toString()));
    }

    /** A started transport with its own identity and a {@link TestHandler} bound. */
    static Node node(Path dir, Map<String, Object> overrides) {
        return node(identity(dir, DIFFICULTY), overrides);
    }

    static Node node(NodeIdentity identity, Map<String, Object> overrides) {
        NettyTransport transport = new NettyTransport(identity, verifier(DIFFICULTY), config(overrides));
        TestHandler handler = new TestHandler();
        bind(transport, handler);
        return new Node(identity, transport, handler);
    }

    /** Every message kind, answers included (tests send those as requests to see them cross the wire). */
    static final List<String> REQUEST_KINDS = List.of("Ping", "Pong", "FindNode", "FoundNodes", "FindValue",
            "FoundValue", "Store", "Stored", "AttestRequest", "AttestResponse", "FindCatalogue", "FoundCatalogue",
            "StoreCatalogue");

    /** Makes {@code handler} the transport's handler of every request kind, pushes and fetches, and a listener. */
    static void bind(NettyTransport transport, TestHandler handler) {
        transport.addRequestHandler(handler, REQUEST_KINDS);
        transport.setPushHandler(handler);
        transport.setFetchHandler(handler);
        transport.addPeerListener(handler);
    }

    /** Takes {@code handler} away from the transport again. */
    static void unbind(NettyTransport transport, TestHandler handler) {
        transport.removeRequestHandler(handler);
        transport.unsetPushHandler(handler);
        transport.unsetFetchHandler(handler);
        transport.removePeerListener(handler);
    }

    /** A running node of a test. */
    record Node(NodeIdentity identity, NettyTransport transport, TestHandler handler) implements AutoCloseable {
        Contact contact() {
            return Contact.of(transport.localNode());
        }

        /** Where it listens, on loopback. */
        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", transport.localNode().address().getPort());
        }

        Contact loopbackContact() {
            return new Contact(identity.nodeId(), address());
        }

        @Override
        public void close() {
            transport.deactivate();
        }
    }

    /** How a test handler takes a pushed fragment. */
    interface FragmentFunction {
        ReplicateAck apply(NodeInfo sender, FragmentEnvelope envelope) throws IOException;
    }

    /** Handlers of every kind whose behaviour tests set, recording who sent what and who was seen. */
    static final class TestHandler implements RequestHandler, PushHandler, FetchHandler, PeerListener {
        final List<NodeInfo> senders = new CopyOnWriteArrayList<>();
        final List<NodeInfo> seen = new CopyOnWriteArrayList<>();
        volatile java.util.function.BiFunction<NodeInfo, FragmentId, Optional<ReplicateAck>> onJudge =
                (sender, id) -> Optional.empty();
        volatile java.util.function.BiFunction<NodeInfo, Message, Message> onRequest = (sender, request) ->
                request instanceof Message.Ping ? new Message.Pong() : new Message.ErrorReply(
                        org.tesseras.api.message.ErrorCode.REFUSED, "test handler answers pings only");
        volatile FragmentFunction onFragment = (sender, envelope) -> {
            try (InputStream in = envelope.content().open()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return ReplicateAck.accepted(List.of(envelope.id().index()));
        };
        volatile java.util.function.BiFunction<NodeInfo, ContentHash, Optional<FragmentEnvelope>> onFetch =
                (sender, hash) -> Optional.empty();

        @Override
        public Message answer(NodeInfo sender, Message request) {
            senders.add(sender);
            return onRequest.apply(sender, request);
        }

        @Override
        public Optional<ReplicateAck> judge(NodeInfo sender, FragmentId id, TesseraManifest manifest) {
            return onJudge.apply(sender, id);
        }

        @Override
        public ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
            senders.add(sender);
            try {
                return onFragment.apply(sender, envelope);
            } catch (IOException e) {
                return ReplicateAck.refused(org.tesseras.api.model.RefusalReason.CHECKSUM, e.getMessage(),
                        new ArrayList<>());
            }
        }

        @Override
        public Optional<FragmentEnvelope> serve(NodeInfo sender, ContentHash tesseraHash, int index) {
            senders.add(sender);
            return onFetch.apply(sender, tesseraHash);
        }

        @Override
        public void peerSeen(NodeInfo peer) {
            seen.add(peer);
        }
    }

    /** {@code length} pseudo-random bytes from {@code seed}, generated as read (never held whole). */
    static final class PatternStream extends InputStream {
        private final long length;
        private final SplittableRandom random;
        private long position;
        private long word;
        private int wordBytesLeft;

        PatternStream(long length, long seed) {
            this.length = length;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                if (wordBytesLeft == 0) {
                    word = random.nextLong();
                    wordBytesLeft = 8;
                }
                target[offset + i] = (byte) word;
                word >>>= 8;
                wordBytesLeft--;
            }
            position += n;
            return n;
        }
    }

    /** BLAKE3 of a {@link PatternStream}. */
    static ContentHash patternHash(long length, long seed) {
        try (InputStream in = new PatternStream(length, seed)) {
            return HASHER.hash(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
