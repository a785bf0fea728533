package org.tesseras.dht.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;

/**
 * What this node knows of the Kademlia overlay: its routing table, the pointers it keeps for the network and
 * those it publishes itself, and the checked settings. Shared by the answering side ({@link DhtResponder}) and
 * the asking side ({@link KademliaDht}) of the DHT bundle; it talks to nobody itself, so the transport can hand
 * traffic to the responder without a service cycle. A full bucket's oldest entry is handed to the asking side to
 * be pinged before it is evicted.
 */
@Component(service = KademliaNode.class, configurationPid = DhtConfiguration.PID, immediate = true)
@Designate(ocd = DhtConfiguration.class)
public final class KademliaNode {
    private static final Logger LOG = LoggerFactory.getLogger(KademliaNode.class);

    private final NodeId self;
    private final IdentityVerifier verifier;
    private final DhtSettings settings;
    private final Clock clock;
    private final Random random;
    private final RoutingTable table;
    private final PointerStore pointers;
    private final CatalogueStore catalogues;
    private final KnownContacts knownContacts;
    private final List<DhtSettings.Seed> remembered;
    private volatile Consumer<NodeInfo> evictionPinger;

    /** The node of this identity, with the checked configuration; a bad value refuses activation. */
    @Activate
    public KademliaNode(@Reference NodeIdentity identity, @Reference IdentityVerifier verifier, DhtConfiguration config) {
        this(identity.nodeId(), verifier, checked(config), Clock.systemUTC(), new SecureRandom());
    }

    KademliaNode(NodeId self, IdentityVerifier verifier, DhtSettings settings, Clock clock, Random random) {
        this.self = Objects.requireNonNull(self, "self");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.random = random;
        this.table = new RoutingTable(self, settings.k(), clock.millis(), settings.maxNodesPerSubnetPerBucket(),
                settings.maxNodesPerSubnet());
        this.pointers = new PointerStore(self, settings.maxStoredPointers(), settings.maxPointersPerTessera());
        this.catalogues = new CatalogueStore(settings.maxCataloguePages());
        this.knownContacts = new KnownContacts(settings.knownContactsFile());
        this.remembered = knownContacts.load();
    }

    private static DhtSettings checked(DhtConfiguration config) {
        try {
            return DhtSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("DHT not started: {}", e.getMessage());
            throw e;
        }
    }

    NodeId self() {
        return self;
    }

    IdentityVerifier verifier() {
        return verifier;
    }

    DhtSettings settings() {
        return settings;
    }

    /**
     * Where to join through: the peers last in the routing table (saved before the last stop), then the
     * configured seeds.
     */
    List<DhtSettings.Seed> joinThrough() {
        Set<DhtSettings.Seed> all = new LinkedHashSet<>(remembered);
        all.addAll(settings.seeds());
        return List.copyOf(all);
    }

    /** Saves the addresses in the routing table for the next start (not when it is empty). */
    void saveContacts() {
        knownContacts.save(table.snapshot());
    }

    RoutingTable table() {
        return table;
    }

    PointerStore pointers() {
        return pointers;
    }

    CatalogueStore catalogues() {
        return catalogues;
    }

    Random random() {
        return random;
    }

    long now() {
        return clock.millis();
    }

    /** Whether {@code node}'s id derives from its key and nonce with the required proof-of-work. */
    boolean authentic(NodeInfo node) {
        return node != null && verifier.verifyPow(node.id(), node.publicKey(), node.nonce());
    }

    /** Whether {@code node} may enter lookups and the table: authentic and not this node. */
    boolean admissible(NodeInfo node) {
        return !node.id().equals(self) && authentic(node);
    }

    /**
     * Records {@code node} as just heard from. When its bucket is full, the bucket's oldest entry goes to the
     * eviction pinger (the asking side, which can reach it); without one it stays until the next observation.
     */
    void observe(NodeInfo node) {
        if (!authentic(node)) {
            return;
        }
        RoutingTable.Observation observation = table.observe(node, now());
        NodeInfo oldest = observation.oldestToPing();
        if (oldest != null) {
            Consumer<NodeInfo> pinger = evictionPinger;
            if (pinger != null) {
                pinger.accept(oldest);
            } else {
                table.pingAnswered(oldest.id());
            }
        }
    }

    /** Who pings a full bucket's oldest entry before it is evicted; {@code null} when nobody can now. */
    void evictionPinger(Consumer<NodeInfo> pinger) {
        this.evictionPinger = pinger;
    }
}
