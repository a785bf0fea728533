package org.tesseras.dht.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the DHT's named threads and remembers the live ones, so a stop can be checked to leave none. */
final class DhtThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> made = ConcurrentHashMap.newKeySet();

    DhtThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + count.incrementAndGet());
        thread.setDaemon(true);
        made.removeIf(old -> old.getState() == Thread.State.TERMINATED);
        made.add(thread);
        return thread;
    }

    /** The threads made so far that had not ended when the last one was made. */
    List<Thread> made() {
        return List.copyOf(made);
    }
}
