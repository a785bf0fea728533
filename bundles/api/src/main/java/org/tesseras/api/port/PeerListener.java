package org.tesseras.api.port;

import org.osgi.annotation.versioning.ConsumerType;
import org.tesseras.api.model.NodeInfo;

/**
 * Told by the transport of every peer it heard from, identity and address authenticated: at each handshake and
 * with each request or reply. Called on transport threads: it must be quick and must not block.
 */
@ConsumerType
public interface PeerListener {

    /** {@code peer} proved its identity and was just heard from at its address. */
    void peerSeen(NodeInfo peer);
}
