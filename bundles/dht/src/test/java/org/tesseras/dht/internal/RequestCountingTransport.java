package org.tesseras.dht.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.Transport;

/** A transport that passes everything to a real one and notes the kind of every request sent through it. */
final class RequestCountingTransport implements Transport {
    private final Transport delegate;
    final List<String> sent = new CopyOnWriteArrayList<>();

    RequestCountingTransport(Transport delegate) {
        this.delegate = delegate;
    }

    long sent(String kind) {
        return sent.stream().filter(kind::equals).count();
    }

    @Override
    public NodeInfo localNode() {
        return delegate.localNode();
    }

    @Override
    public CompletableFuture<Reply> request(Contact to, Message request) {
        sent.add(request.kind());
        return delegate.request(to, request);
    }

    @Override
    public CompletableFuture<Reply> request(InetSocketAddress address, Message request) {
        sent.add(request.kind());
        return delegate.request(address, request);
    }

    @Override
    public CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope) {
        return delegate.sendFragment(to, envelope);
    }

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        return delegate.fetchFragment(from, tesseraHash, index, reader);
    }
}
