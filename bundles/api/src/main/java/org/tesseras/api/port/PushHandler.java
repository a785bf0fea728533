package org.tesseras.api.port;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.TesseraManifest;

/** Takes the fragments peers push to this node; the transport hands it every push. */
@ConsumerType
public interface PushHandler {

    /**
     * A first look at a push from its header, before any fragment byte crosses the network: empty to take it,
     * else the refusal to answer with. Must be quick and must not wait on the network.
     */
    Optional<ReplicateAck> judge(NodeInfo sender, FragmentId id, TesseraManifest manifest);

    /** Judges and keeps a fragment; {@code envelope.content()} opens once, onto the incoming stream. */
    ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope);
}
