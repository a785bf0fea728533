package org.tesseras.replication.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import org.tesseras.api.message.Message;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.Transport;

/** A real transport with everything passed through; the test transports override what they change. */
abstract class ForwardingTransport implements Transport {
    final Transport delegate;

    ForwardingTransport(Transport delegate) {
        this.delegate = delegate;
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

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        return delegate.fetchFragment(from, tesseraHash, index, reader);
    }
}
