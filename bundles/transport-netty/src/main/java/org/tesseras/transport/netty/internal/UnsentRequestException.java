package org.tesseras.transport.netty.internal;

import org.tesseras.api.port.TransportException;

/** The connection closed before a request or stream was written to it, so trying another one is safe. */
final class UnsentRequestException extends TransportException {
    private static final long serialVersionUID = 1L;

    UnsentRequestException(String message) {
        super(message);
    }
}
