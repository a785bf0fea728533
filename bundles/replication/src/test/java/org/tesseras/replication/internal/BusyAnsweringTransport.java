package org.tesseras.replication.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.tesseras.api.message.ErrorCode;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.FragmentReader;
import org.tesseras.api.port.RemoteErrorException;
import org.tesseras.api.port.Transport;

/**
 * A real transport whose peers first answer every fetch of a fragment BUSY {@code busyAnswers} times, as a peer
 * does whose stream limit with us is reached, then serve it.
 */
final class BusyAnsweringTransport extends ForwardingTransport {
    private final int busyAnswers;
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    BusyAnsweringTransport(Transport delegate, int busyAnswers) {
        super(delegate);
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
}
