package org.tesseras.replication.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.Transport;

/**
 * A transport that passes everything to a real one and counts the fragment transfers this node has in flight:
 * each sent or fetched fragment stays in flight a few milliseconds after the real transfer, so a caller that
 * does not wait for a free slot is seen exceeding its limit.
 */
final class InFlightCountingTransport extends ForwardingTransport {
    private static final Executor LINGER = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicInteger transfers = new AtomicInteger();
    private final List<NodeId> sentTo = new CopyOnWriteArrayList<>();

    InFlightCountingTransport(Transport delegate) {
        super(delegate);
    }

    /** The most fragment transfers seen in flight at once since the last reset. */
    int mostInFlight() {
        return mostInFlight.get();
    }

    /** Fragment transfers started since the last reset. */
    int transfers() {
        return transfers.get();
    }

    /** The peers fragments were sent to, in the order the sends started, since the last reset. */
    List<NodeId> sentTo() {
        return List.copyOf(sentTo);
    }

    void reset() {
        mostInFlight.set(0);
        transfers.set(0);
        sentTo.clear();
    }

    @Override
    public CompletableFuture<ReplicateAck> sendFragment(Contact to, FragmentEnvelope envelope) {
        sentTo.add(to.id());
        started();
        return lingerThenEnd(delegate.sendFragment(to, envelope));
    }

    @Override
    public <T> CompletableFuture<T> fetchFragment(Contact from, ContentHash tesseraHash, int index,
            FragmentReader<T> reader) {
        started();
        return lingerThenEnd(delegate.fetchFragment(from, tesseraHash, index, reader));
    }

    private void started() {
        transfers.incrementAndGet();
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    private <T> CompletableFuture<T> lingerThenEnd(CompletableFuture<T> transfer) {
        CompletableFuture<T> ended = new CompletableFuture<>();
        transfer.whenComplete((value, failure) -> LINGER.execute(() -> {
            inFlight.decrementAndGet();
            if (failure == null) {
                ended.complete(value);
            } else {
                ended.completeExceptionally(failure);
            }
        }));
        return ended;
    }
}
