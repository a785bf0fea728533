package org.tesseras.status.page.internal;

import java.time.Instant;
import java.util.Optional;

import org.tesseras.api.health.NodeDoctor;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.ReciprocityLedger;
import org.tesseras.api.port.ReplicationService;
import org.tesseras.api.port.Transport;

/** The services one rendering of the page reads, each present or not right now, and the time of the rendering. */
record NodeView(Optional<NodeIdentity> identity, Optional<IdentityVerifier> verifier, Optional<Transport> transport,
        Optional<ReplicationService> replication, Optional<DhtPort> dht, Optional<ReciprocityLedger> ledger,
        Optional<NodeDoctor> doctor, String version, Instant now) {
}
