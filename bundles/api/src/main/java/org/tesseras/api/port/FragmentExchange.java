package org.tesseras.api.port;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;

/** What the DHT hands fragment traffic to: receiving, attesting and serving fragments. */
@ConsumerType
public interface FragmentExchange {

    /** Judges and keeps a fragment pushed by {@code sender}; a refusal is an ack with a reason. */
    ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope);

    /** A signed proof of the fragments of {@code tesseraHash} held here, or empty when none are. */
    Optional<Attestation> attest(NodeInfo requester, ContentHash tesseraHash, byte[] nonce);

    /** A held fragment to stream to {@code requester}, or empty. */
    Optional<FragmentEnvelope> fetch(NodeInfo requester, ContentHash tesseraHash, int index);
}
