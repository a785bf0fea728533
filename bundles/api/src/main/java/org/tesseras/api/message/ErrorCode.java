package org.tesseras.api.message;

/** Why a peer could not serve a request. */
public enum ErrorCode {
    /** The frame could not be decoded. */
    BAD_FRAME,
    /** The frame's protocol version is not one we speak. */
    UNSUPPORTED_VERSION,
    /** The message type is unknown. */
    UNKNOWN_TYPE,
    /** The frame exceeds the control message limit. */
    TOO_LARGE,
    /** The thing asked for is not here. */
    NOT_FOUND,
    /** No service on this node handles this kind of request (yet). */
    NO_HANDLER,
    /** Too many concurrent streams from this peer. */
    BUSY,
    /** The request was understood but refused. */
    REFUSED,
    /** The responder failed; the reason says how. */
    INTERNAL
}
