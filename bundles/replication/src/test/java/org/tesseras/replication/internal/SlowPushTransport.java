package org.tesseras.replication.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.Transport;

/**
 * A real transport whose fragment pushes each end {@code delay} after the real one, as pushes to peers on a
 * trickling link do: the sender's push slots stay taken that long. Requests and fetches pass straight through.
 */
final class SlowPushTransport implements Transport {
    final Transport delegate;
    private final Executor later;

    SlowPushTransport(Transport delegate, Duration delay) {
        this.delegate = delegate;
        this.later = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope) {
        CompletableFuture<ReplicateAck> ended = new CompletableFuture<>();
        delegate.sendFragment(to, envelope).whenComplete((ack, failure) -> later.execute(() -> {
            if (failure == null) {
                ended.complete(ack);
            } else {
                ended.completeExceptionally(failure);
            }
        }));
        return ended;
    }

    @Override
    public NodeInfo localNode() {
        return delegate.localNode();
    }

    @Override
    public CompletableFuture<Reply> request(Contact to, Message request) {
        return delegate.request(to, request);
    }

    @Override
    public CompletableFuture<Reply> request(InetSocketAddress address, Message request) {
        return delegate.request(address, request);
    }

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        return delegate.fetchFragment(from, tesseraHash, index, reader);
    }
}
