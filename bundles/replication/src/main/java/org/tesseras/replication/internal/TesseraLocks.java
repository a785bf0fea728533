package org.tesseras.replication.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.tesseras.api.model.ContentHash;

/**
 * One put or repair of a tessera at a time: work on a tessera holds its lock. What an operator asks for waits its
 * turn; background work (a repair round, finishing an interrupted put) passes over a tessera that is busy. A lock
 * exists only while someone holds or waits for it.
 */
final class TesseraLocks {
    /** Work on one tessera. */
    interface Work<T> {
        T run() throws IOException;
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final Map<ContentHash, Entry> entries = new HashMap<>();

    /** Runs {@code work} once no other put or repair of {@code hash} runs, holding it off meanwhile. */
    <T> T exclusively(ContentHash hash, Work<T> work) throws IOException {
        Entry entry = enter(hash);
        try {
            entry.lock.lock();
            try {
                return work.run();
            } finally {
                entry.lock.unlock();
            }
        } finally {
            leave(hash, entry);
        }
    }

    /** Runs {@code work} if no other put or repair of {@code hash} runs now; empty (and nothing run) if one does. */
    <T> Optional<T> ifFree(ContentHash hash, Work<T> work) throws IOException {
        Entry entry = enter(hash);
        try {
            if (!entry.lock.tryLock()) {
                return Optional.empty();
            }
            try {
                return Optional.of(work.run());
            } finally {
                entry.lock.unlock();
            }
        } finally {
            leave(hash, entry);
        }
    }

    /** How many tesseras have work running or waiting. */
    synchronized int busy() {
        return entries.size();
    }

    private synchronized Entry enter(ContentHash hash) {
        Entry entry = entries.computeIfAbsent(hash, h -> new Entry());
        entry.users++;
        return entry;
    }

    private synchronized void leave(ContentHash hash, Entry entry) {
        if (--entry.users == 0) {
            entries.remove(hash);
        }
    }
}
