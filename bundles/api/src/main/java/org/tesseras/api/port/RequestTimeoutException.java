package org.tesseras.api.port;

/** A peer did not answer within the RPC timeout; the pending request was dropped. */
public class RequestTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        super(message);
    }
}
