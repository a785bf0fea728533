package org.tesseras.api.port;

import java.io.IOException;

/** A peer could not be reached, did not authenticate, went away, or did not answer in time. */
public class TransportException extends IOException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
