package org.tesseras.api.model;

/** Why a node refused to store a fragment. */
public enum RefusalReason {
    /** The sender already owes us more than we allow. */
    DEFICIT,
    /** We already store as much as we allow for this sender. */
    PEER_LIMIT,
    /** Storing it would leave less free disk than we keep. */
    NO_SPACE,
    /** The bytes did not match the announced checksum or length. */
    CHECKSUM,
    /** The request itself was malformed or inconsistent. */
    INVALID,
    /** The same fragment is arriving from another push right now; it may be offered again later. */
    BUSY
}
