package org.tesseras.api.port;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;

/** Serves the fragments peers fetch from this node; the transport streams back what it returns. */
@ConsumerType
public interface FetchHandler {

    /** Fragment {@code index} of {@code tesseraHash} to stream to {@code requester}, or empty when not held. */
    Optional<FragmentEnvelope> serve(NodeInfo requester, ContentHash tesseraHash, int index);
}
