package org.tesseras.replication.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.tesseras.api.model.Contact;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.Transport;

/**
 * A real transport whose fragment pushes each end {@code delay} after the real one, as pushes to peers on a
 * trickling link do: the sender's push slots stay taken that long. Requests and fetches pass straight through.
 */
final class SlowPushTransport extends ForwardingTransport {
    private final Executor later;

    SlowPushTransport(Transport delegate, Duration delay) {
        super(delegate);
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
}
