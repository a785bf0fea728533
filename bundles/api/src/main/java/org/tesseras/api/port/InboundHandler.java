package org.tesseras.api.port;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.tesseras.api.message.Message;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;

/**
 * Where a transport delivers inbound traffic, each call with the sender's verified identity. Calls may
 * block (they run off the network threads); a thrown exception becomes an error reply.
 */
@ConsumerType
public interface InboundHandler {

    /** Answers a control message. */
    Message onRequest(NodeInfo sender, Message request);

    /** Judges and keeps a pushed fragment; {@code envelope.content()} opens once, onto the incoming stream. */
    ReplicateAck onFragment(NodeInfo sender, FragmentEnvelope envelope);

    /** The fragment to stream back to {@code sender}, or empty when not held. */
    Optional<FragmentEnvelope> onFetch(NodeInfo sender, ContentHash tesseraHash, int index);
}
