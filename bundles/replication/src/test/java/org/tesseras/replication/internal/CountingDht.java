package org.tesseras.replication.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PointerRecords;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.TesseraPointer;
import org.tesseras.api.port.DhtPort;

/** A DHT that passes everything to a real one and notes the lookups and publications asked of it. */
final class CountingDht implements DhtPort {
    final DhtPort delegate;
    /** The keys looked up, in order. */
    final List<NodeId> lookups = new CopyOnWriteArrayList<>();
    /** Publications that looked up the closest nodes themselves. */
    final List<TesseraPointer> publishedAfterOwnLookup = new CopyOnWriteArrayList<>();
    /** Publications on nodes the caller had found. */
    final List<TesseraPointer> publishedOnGivenNodes = new CopyOnWriteArrayList<>();

    CountingDht(DhtPort delegate) {
        this.delegate = delegate;
    }

    void reset() {
        lookups.clear();
        publishedAfterOwnLookup.clear();
        publishedOnGivenNodes.clear();
    }

    @Override
    public NodeInfo localNode() {
        return delegate.localNode();
    }

    @Override
    public CompletableFuture<List<NodeInfo>> findClosest(NodeId key) {
        lookups.add(key);
        return delegate.findClosest(key);
    }

    @Override
    public CompletableFuture<Boolean> ping(Contact peer) {
        return delegate.ping(peer);
    }

    @Override
    public CompletableFuture<Integer> publish(TesseraPointer pointer) {
        publishedAfterOwnLookup.add(pointer);
        return delegate.publish(pointer);
    }

    @Override
    public CompletableFuture<Integer> publish(TesseraPointer pointer, List<NodeInfo> closest) {
        publishedOnGivenNodes.add(pointer);
        return delegate.publish(pointer, closest);
    }

    @Override
    public CompletableFuture<Optional<PointerRecords>> findPointers(ContentHash tesseraHash) {
        return delegate.findPointers(tesseraHash);
    }

    @Override
    public CompletableFuture<Integer> publishCatalogue(CataloguePage page) {
        return delegate.publishCatalogue(page);
    }

    @Override
    public CompletableFuture<Optional<CataloguePage>> findCatalogue(NodeId owner, int page) {
        return delegate.findCatalogue(owner, page);
    }

    @Override
    public CompletableFuture<Integer> bootstrap(InetSocketAddress seed) {
        return delegate.bootstrap(seed);
    }

    @Override
    public List<RoutingEntry> routingTable() {
        return delegate.routingTable();
    }
}
