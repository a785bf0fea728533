package org.tesseras.transport.netty.internal;

import org.tesseras.api.message.ErrorCode;

/** A well-framed message whose content this node cannot accept; {@link #code()} is what to answer. */
final class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    WireFormatException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code to answer with. */
    ErrorCode code() {
        return code;
    }
}
