package org.tesseras.dht.internal;

import org.osgi.service.component.ComponentServiceObjects;

/** A referenced service got on first use (not when bound) and released once when unbound. */
final class LazyService<S> {
    private final ComponentServiceObjects<S> service;
    private S instance;
    private boolean released;

    LazyService(ComponentServiceObjects<S> service) {
        this.service = service;
    }

    ComponentServiceObjects<S> service() {
        return service;
    }

    /** The service object, got now if this is its first use; {@code null} once released. */
    synchronized S get() {
        if (instance == null && !released) {
            instance = service.getService();
        }
        return instance;
    }

    synchronized void release() {
        released = true;
        if (instance != null) {
            service.ungetService(instance);
            instance = null;
        }
    }
}
