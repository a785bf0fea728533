package org.tesseras.transport.netty.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.message.Message;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.FetchHandler;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.PeerListener;
import org.tesseras.api.port.PushHandler;
import org.tesseras.api.port.RequestHandler;
import org.tesseras.api.port.Transport;
import org.tesseras.api.port.TransportException;

/**
 * The {@link Transport} over TCP and TLS 1.3 with Netty: both ends authenticate with their Ed25519
 * node certificate, then prove their NodeId with a Hello; frames are length-prefixed protobuf;
 * fragments are streamed in chunks with backpressure. Inbound traffic goes to the handler services of its
 * kind (requests by message kind, pushes, fetches), bound as they come and go, or is answered NO_HANDLER; every
 * peer heard from is told to the peer listeners.
 */
@Component(service = Transport.class, configurationPid = TransportConfiguration.PID, immediate = true)
@Designate(ocd = TransportConfiguration.class)
public final class NettyTransport implements Transport {
    /** Every thread this transport starts has a name beginning with this. */
    public static final String THREAD_NAME_PREFIX = "tesseras-transport";
    /** MiB of AES-GCM the first transport of a JVM seals at start ({@link CipherWarmUp}); 0 for none. */
    static final String CIPHER_WARM_UP_PROPERTY = "tesseras.transport.cipherWarmUpMiB";
    private static final long DEFAULT_CIPHER_WARM_UP_MIB = 64;
    /** The JIT is the JVM's: one warm-up per JVM (per load of this bundle) is enough. */
    private static final AtomicBoolean CIPHER_WARM_UP_STARTED = new AtomicBoolean();

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);
    private static final int WORKER_THREADS = 32;
    private static final int WORKER_QUEUE = 1024;
    private static final int CALLBACK_THREADS = 4;
    private static final int CONTROL_THREADS = 8;
    private static final int CONTROL_QUEUE = 512;
    private static final long SHUTDOWN_WAIT_MILLIS = 10_000;

    private final NodeIdentity identity;
    private final TransportSettings settings;
    private final TlsContexts tls;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor callbacks;
    private final ThreadPoolExecutor controlWorkers;
    private final ThreadPoolExecutor servedStreamWorkers;
    private final InboundConnections inbound;
    private final TransportRuntime runtime;
    private final ByteCounter byteCounter;
    private final Bootstrap clientBootstrap;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<PoolKey, PeerPool> pools = new ConcurrentHashMap<>();
    private final ServerListener listener;
    private final NodeInfo localNode;
    private volatile boolean stopped;
    /** The AES-GCM warm-up this transport started, or null. */
    private CipherWarmUp cipherWarmUp;

    /**
     * Starts with the checked {@code config} (a bad value refuses activation) and listens; a busy fixed port is
     * bound again every while (see {@link ServerListener}).
     */
    @Activate
    public NettyTransport(@Reference(name = "identity") NodeIdentity identity,
            @Reference(name = "verifier") IdentityVerifier verifier, TransportConfiguration config) {
        this.identity = identity;
        this.settings = TransportSettings.from(config);
        this.tls = TlsContexts.create(identity, verifier);
        this.acceptGroup = new NioEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME_PREFIX + "-accept", true));
        this.ioGroup = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory(THREAD_NAME_PREFIX + "-io", true));
        this.workers = executor("worker", WORKER_THREADS, new LinkedBlockingQueue<>(WORKER_QUEUE));
        this.callbacks = executor("callback", CALLBACK_THREADS, new LinkedBlockingQueue<>());
        this.controlWorkers = executor("control", CONTROL_THREADS, new LinkedBlockingQueue<>(CONTROL_QUEUE));
        this.servedStreamWorkers = executor("served", settings.maxServedStreams(), new SynchronousQueue<>());
        this.inbound = new InboundConnections(settings.maxInboundConnections(),
                settings.maxInboundConnectionsPerAddress());
        this.runtime = new TransportRuntime(settings, identity, verifier, workers, controlWorkers,
                servedStreamWorkers);
        this.byteCounter = new ByteCounter(runtime::metrics);
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(settings.chunkBytes() / 2, settings.chunkBytes());
        this.clientBootstrap = new Bootstrap().group(ioGroup).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.handshakeTimeoutMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        this.listener = new ServerListener(new ServerBootstrap().group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(initializer(null)), settings.listenAddress(), settings.listenPort(), acceptGroup);
        int port;
        try {
            port = listener.start();
        } catch (RuntimeException e) {
            stopThreads();
            throw e;
        }
        runtime.listenPort(port);
        this.localNode = new NodeInfo(identity.nodeId(), identity.publicKey(), identity.nonce(),
                new InetSocketAddress(settings.announcedAddress(), port), TransportRuntime.CAPABILITIES);
        long warmUpMib = Long.getLong(CIPHER_WARM_UP_PROPERTY, DEFAULT_CIPHER_WARM_UP_MIB);
        if (warmUpMib > 0 && CIPHER_WARM_UP_STARTED.compareAndSet(false, true)) {
            cipherWarmUp = new CipherWarmUp(warmUpMib << 20);
            cipherWarmUp.start();
        }
        LOG.info("Transport of node {} {} {}:{} (TLS 1.3), announced as {}", identity.nodeId(),
                listener.listening() ? "listening on" : "to listen on", settings.listenAddress().getHostAddress(), port,
                localNode);
    }

    /** Closes every connection, fails what is in flight and stops every thread this transport started. */
    @Deactivate
    public void deactivate() {
        if (stopped) {
            return;
        }
        stopped = true;
        listener.close(SHUTDOWN_WAIT_MILLIS);
        TransportException stopping = new TransportException("the transport of " + identity.nodeId() + " stopped");
        for (PeerPool pool : pools.values()) {
            pool.drainStreamWaiters().forEach(waiter -> waiter.completeExceptionally(stopping));
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel channel : channels) {
            PeerConnection peer = channel.pipeline().get(PeerConnection.class);
            if (peer != null) {
                peer.close("this node is stopping");
            }
            closing.add(channel.close());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MILLIS);
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        stopThreads();
        LOG.info("Transport of node {} stopped", identity.nodeId());
    }

    /** Routes requests of the kinds in its {@code tesseras.kinds} property to {@code handler}. */
    @Reference(name = "requestHandler", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeRequestHandler")
    public void addRequestHandler(RequestHandler handler, Map<String, Object> properties) {
        addRequestHandler(handler, kinds(properties.get(RequestHandler.KINDS)));
    }

    /** Routes requests of {@code kinds} to {@code handler} (also for tests, without a registry). */
    public void addRequestHandler(RequestHandler handler, Collection<String> kinds) {
        runtime.addRequestHandler(handler, kinds);
    }

    public void removeRequestHandler(RequestHandler handler) {
        runtime.removeRequestHandler(handler);
    }

    /** Takes fragment pushes to {@code handler} (a newer one replaces the older). */
    @Reference(name = "pushHandler", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetPushHandler")
    public void setPushHandler(PushHandler handler) {
        runtime.setPushHandler(handler);
    }

    public void unsetPushHandler(PushHandler handler) {
        runtime.unsetPushHandler(handler);
    }

    /** Serves fragment fetches from {@code handler} (a newer one replaces the older). */
    @Reference(name = "fetchHandler", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetFetchHandler")
    public void setFetchHandler(FetchHandler handler) {
        runtime.setFetchHandler(handler);
    }

    public void unsetFetchHandler(FetchHandler handler) {
        runtime.unsetFetchHandler(handler);
    }

    /** Counts the bytes sent and received into {@code metrics}. */
    @Reference(name = "metrics", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetMetrics")
    public void setMetrics(NodeMetrics metrics) {
        runtime.setMetrics(metrics);
    }

    public void unsetMetrics(NodeMetrics metrics) {
        if (runtime.metrics() == metrics) {
            runtime.setMetrics(null);
        }
    }

    /** Tells {@code listener} of every peer heard from. */
    @Reference(name = "peerListener", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removePeerListener")
    public void addPeerListener(PeerListener listener) {
        runtime.addPeerListener(listener);
    }

    public void removePeerListener(PeerListener listener) {
        runtime.removePeerListener(listener);
    }

    /** The kinds a {@code tesseras.kinds} service property lists (a string, comma separated, or several). */
    static List<String> kinds(Object property) {
        List<String> kinds = new ArrayList<>();
        if (property instanceof String text) {
            for (String kind : text.split("[,\\s]+")) {
                if (!kind.isEmpty()) {
                    kinds.add(kind);
                }
            }
        } else if (property instanceof String[] several) {
            for (String text : several) {
                kinds.addAll(kinds(text));
            }
        } else if (property instanceof Collection<?> several) {
            for (Object text : several) {
                kinds.addAll(kinds(text));
            }
        }
        return kinds;
    }

    /** Whether peers can connect to this node now. */
    public boolean listening() {
        return listener.listening();
    }

    @Override
    public NodeInfo localNode() {
        return localNode;
    }

    @Override
    public CompletableFuture<Reply> request(Contact to, Message request) {
        Objects.requireNonNull(to, "contact");
        Objects.requireNonNull(request, "request");
        return withPool(to.id(), to.address(), pool -> pool.forCall()
                .thenCompose(channel -> channel.call(request).thenApply(reply -> new Reply(channel.peer(), reply))));
    }

    @Override
    public CompletableFuture<Reply> request(InetSocketAddress address, Message request) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(request, "request");
        return withPool(null, address, pool -> pool.forCall()
                .thenCompose(channel -> channel.call(request).thenApply(reply -> new Reply(channel.peer(), reply))));
    }

    @Override
    public CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope) {
        Objects.requireNonNull(to, "contact");
        Objects.requireNonNull(envelope, "envelope");
        return withPool(to.id(), to.address(), pool -> pool.withStream((channel, release) -> channel.push(envelope,
                release)));
    }

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        Objects.requireNonNull(from, "contact");
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(reader, "reader");
        return withPool(from.id(), from.address(), pool -> pool.withStream((channel, release) -> channel.fetch(
                tesseraHash, index, reader, release)));
    }

    // ---------------------------------------------------------------- observability (tests, status)

    /** Requests sent and not yet answered or timed out, over all connections. */
    int pendingRequestCount() {
        int count = 0;
        for (PeerPool pool : pools.values()) {
            for (ClientConnection channel : pool.channels()) {
                count += channel.pendingCalls();
            }
        }
        return count;
    }

    /** Open connections, inbound and outbound. */
    int connectionCount() {
        return channels.size();
    }

    /** Connections peers opened to this node, open now. */
    public int inboundConnectionCount() {
        return inbound.size();
    }

    /** Connections this node opened, opening or open. */
    int outboundConnectionCount() {
        int count = 0;
        for (PeerPool pool : pools.values()) {
            count += pool.connectionCount();
        }
        return count;
    }

    /** The most bytes any receiving stream has had queued since start (a diagnostic of receiver backpressure). */
    public long peakQueuedBytes() {
        return runtime.peakQueuedBytes().get();
    }

    // ---------------------------------------------------------------- connections

    private <T> CompletableFuture<T> withPool(NodeId expected, InetSocketAddress address,
            Function<PeerPool, CompletableFuture<T>> action) {
        if (stopped) {
            return CompletableFuture.failedFuture(new TransportException("the transport of " + identity.nodeId()
                    + " is stopped"));
        }
        CompletableFuture<T> inner = resolve(address).thenCompose(resolved -> onPool(expected, resolved, action)
                .exceptionallyCompose(failure -> Failures.unwrap(failure) instanceof UnsentRequestException && !stopped
                        ? onPool(expected, resolved, action)
                        : CompletableFuture.failedFuture(failure)));
        return completeOffTheEventLoop(inner);
    }

    /** Runs {@code action} on the live pool for {@code expected} at {@code address}, making one if needed. */
    private <T> CompletableFuture<T> onPool(NodeId expected, InetSocketAddress address,
            Function<PeerPool, CompletableFuture<T>> action) {
        PoolKey key = new PoolKey(expected, address);
        while (true) {
            PeerPool pool = pools.computeIfAbsent(key, k -> new PeerPool(expected, address, settings,
                    new PoolConnector(key)));
            synchronized (pool) {
                if (!pool.isRetired()) {
                    return action.apply(pool);
                }
            }
            pools.remove(key, pool);
        }
    }

    private CompletableFuture<InetSocketAddress> resolve(InetSocketAddress address) {
        if (!address.isUnresolved()) {
            return CompletableFuture.completedFuture(address);
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
                if (resolved.isUnresolved()) {
                    throw new CompletionException(new TransportException("cannot resolve " + address.getHostString()));
                }
                return resolved;
            }, workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TransportException("cannot resolve " + address.getHostString()
                    + ": the transport is busy or stopping"));
        }
    }

    /** The caller's future, failed with the cause itself and completed on a callback thread, never an I/O thread. */
    private <T> CompletableFuture<T> completeOffTheEventLoop(CompletableFuture<T> inner) {
        CompletableFuture<T> outer = new CompletableFuture<>();
        inner.whenComplete((value, failure) -> {
            Runnable complete = () -> {
                if (failure == null) {
                    outer.complete(value);
                } else {
                    outer.completeExceptionally(Failures.unwrap(failure));
                }
            };
            try {
                callbacks.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run();
            }
        });
        return outer;
    }


    /** The pipeline of a connection: {@code client} for one this node opens, null for one a peer opens. */
    private ChannelInitializer<SocketChannel> initializer(ClientConnection client) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channels.add(channel);
                channel.closeFuture().addListener(future -> channels.remove(channel));
                if (stopped) {
                    channel.close();
                    return;
                }
                PeerConnection connection = client != null ? client : new ServerConnection(runtime);
                if (client == null) {
                    if (!inbound.admit(channel, (ServerConnection) connection)) {
                        channel.close();
                        return;
                    }
                    channel.closeFuture().addListener(future -> inbound.closed(channel));
                }
                SslHandler ssl = client != null
                        ? tls.client().newHandler(channel.alloc())
                        : tls.server().newHandler(channel.alloc());
                ssl.setHandshakeTimeoutMillis(settings.handshakeTimeoutMillis());
                int idleSeconds = client != null ? settings.idleTimeoutSeconds() : 2 * settings.idleTimeoutSeconds();
                channel.pipeline()
                        .addLast("bytes", byteCounter)
                        .addLast("tls", ssl)
                        .addLast("idle", new IdleStateHandler(0, 0, idleSeconds))
                        .addLast("frame-decoder", new FrameDecoder(() -> connection.receivingStream()
                                ? settings.maxChunkFrameBytes()
                                : settings.maxFrameBytes(), settings.maxFrameBytes()))
                        .addLast("frame-encoder", FrameEncoder.INSTANCE)
                        .addLast("hello", new HelloHandshake(runtime, connection, client != null,
                                client == null ? null : client.expectedPeer()))
                        .addLast("peer", connection);
            }
        };
    }

    private void retireIfIdle(PoolKey key) {
        PeerPool pool = pools.get(key);
        if (pool != null && pool.retireIfIdle()) {
            pools.remove(key, pool);
        }
    }

    private ThreadPoolExecutor executor(String role, int threads, BlockingQueue<Runnable> queue) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, THREAD_NAME_PREFIX + "-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, queue, factory);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private void stopThreads() {
        if (cipherWarmUp != null) {
            try {
                cipherWarmUp.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ThreadPoolExecutor> executors = List.of(workers, controlWorkers, servedStreamWorkers);
        executors.forEach(ThreadPoolExecutor::shutdown);
        try {
            for (ThreadPoolExecutor pool : executors) {
                if (!pool.awaitTermination(SHUTDOWN_WAIT_MILLIS / 2, TimeUnit.MILLISECONDS)) {
                    LOG.warn("Transport workers still busy after {} ms; interrupting them", SHUTDOWN_WAIT_MILLIS / 2);
                    pool.shutdownNow();
                    pool.awaitTermination(SHUTDOWN_WAIT_MILLIS / 2, TimeUnit.MILLISECONDS);
                }
            }
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            acceptGroup.terminationFuture().await(SHUTDOWN_WAIT_MILLIS);
            ioGroup.terminationFuture().await(SHUTDOWN_WAIT_MILLIS);
            callbacks.shutdown();
            if (!callbacks.awaitTermination(SHUTDOWN_WAIT_MILLIS / 2, TimeUnit.MILLISECONDS)) {
                callbacks.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executors.forEach(ThreadPoolExecutor::shutdownNow);
            callbacks.shutdownNow();
            acceptGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    /** Pools are per expected NodeId (or none, for a seed) and address. */
    private record PoolKey(NodeId expected, InetSocketAddress address) {
    }

    /** Opens connections for one pool and drops the pool once its last connection is gone. */
    private final class PoolConnector implements PeerPool.Connector {
        private final PoolKey key;

        PoolConnector(PoolKey key) {
            this.key = key;
        }

        @Override
        public ClientConnection create(InetSocketAddress address, NodeId expected) {
            return new ClientConnection(runtime, address, expected);
        }

        @Override
        public void connect(ClientConnection peer, InetSocketAddress address, Runnable onClosed) {
            AtomicBoolean done = new AtomicBoolean();
            Runnable closedOnce = () -> {
                if (done.compareAndSet(false, true)) {
                    onClosed.run();
                    retireIfIdle(key);
                }
            };
            String target = (key.expected() == null ? "" : key.expected().shortHex() + "@")
                    + address.getHostString() + ":" + address.getPort();
            ChannelFuture connecting;
            try {
                connecting = clientBootstrap.clone().handler(initializer(peer))
                        .connect(address);
            } catch (RuntimeException e) {
                peer.connectFailed(new TransportException("cannot connect to " + target + ": " + e.getMessage(), e));
                closedOnce.run();
                return;
            }
            connecting.addListener((ChannelFutureListener) future -> {
                if (future.isSuccess()) {
                    future.channel().closeFuture().addListener(closed -> closedOnce.run());
                } else {
                    peer.connectFailed(new TransportException("cannot connect to " + target + ": "
                            + future.cause().getMessage(), future.cause()));
                    closedOnce.run();
                }
            });
        }
    }
}
