package org.tesseras.replication.internal;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.Transport;

/**
 * A real transport whose peers first answer every fetch of a fragment BUSY {@code busyAnswers} times, as a peer
 * does whose stream limit with us is reached, then serve it.
 */
final class BusyAnsweringTransport implements Transport {
    private final Transport delegate;
    private final int busyAnswers;
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    BusyAnsweringTransport(Transport delegate, int busyAnswers) {
        this.delegate = delegate;
        this.busyAnswers = busyAnswers;
    }

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        int attempt = asked.computeIfAbsent(from.id() + "/" + index, k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= busyAnswers) {
            return CompletableFuture.failedFuture(new RemoteErrorException(ErrorCode.BUSY,
                    "4 fragment streams with us are already open"));
        }
        return delegate.fetchFragment(from, tesseraHash, index, reader);
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
    public CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope) {
        return delegate.sendFragment(to, envelope);
    }
}
