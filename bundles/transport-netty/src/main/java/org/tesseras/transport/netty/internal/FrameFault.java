package org.tesseras.transport.netty.internal;

import org.tesseras.api.message.ErrorCode;

/**
 * A frame that could not be taken as a message: what to answer, to which request id, and whether the
 * connection lost its frame boundaries (then nothing more can be read from it and it is closed).
 */
record FrameFault(long requestId, ErrorCode code, String reason, boolean fatal) {
}
