package org.tesseras.api.port;

import org.tesseras.api.message.ErrorCode;

/** A peer answered with an error reply. */
public class RemoteErrorException extends TransportException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public RemoteErrorException(ErrorCode code, String reason) {
        super(code + ": " + reason);
        this.code = code;
    }

    /** The peer's error code. */
    public ErrorCode code() {
        return code;
    }
}
