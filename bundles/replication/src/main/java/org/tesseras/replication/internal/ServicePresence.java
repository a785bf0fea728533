package org.tesseras.replication.internal;

/** A dynamic reference read at use: its service, or a failure naming the port that is missing right now. */
final class ServicePresence {
    private ServicePresence() {
    }

    static <T> T present(T service, String port) {
        if (service == null) {
            throw new IllegalStateException("no " + port + " service is available right now (is its bundle being"
                    + " updated or stopped?)");
        }
        return service;
    }
}
