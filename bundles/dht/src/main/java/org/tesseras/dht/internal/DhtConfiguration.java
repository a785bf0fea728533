package org.tesseras.dht.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Kademlia DHT (PID {@code org.tesseras.dht}). */
@ObjectClassDefinition(name = "Tesseras DHT",
        description = "Kademlia routing, lookups and the tessera pointer store.")
public @interface DhtConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.dht";

    @AttributeDefinition(name = "Seeds",
            description = "Nodes to join through, as host:port ([v6addr]:port for IPv6). Retried with backoff"
                    + " until the routing table is not empty.")
    String[] seeds() default {};

    @AttributeDefinition(name = "k", description = "Bucket size and replication parameter (1-100).",
            min = "1", max = "100")
    int k() default 20;

    @AttributeDefinition(name = "alpha", description = "Lookup requests in flight at once (1-k).", min = "1")
    int alpha() default 3;

    @AttributeDefinition(name = "RPC timeout (ms)",
            description = "How long a lookup waits for one peer's reply before counting it as failed.", min = "1")
    long rpcTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Failed RPCs before eviction",
            description = "Consecutive failed requests after which a node leaves the routing table.", min = "1")
    int maxFailedRpcs() default 3;

    @AttributeDefinition(name = "Bucket refresh interval (s)",
            description = "A bucket not looked up for this long gets a lookup of a random id in its range.",
            min = "1")
    long refreshIntervalSeconds() default 3600;

    @AttributeDefinition(name = "Republish interval (s)",
            description = "How often this node stores the catalogue pages it keeps for others on the nodes closest"
                    + " to their owners again; below the catalogue TTL. (Pointers are republished by their"
                    + " publishers: see org.tesseras.replication announceIntervalSeconds.)",
            min = "1")
    long republishIntervalSeconds() default 3600;

    @AttributeDefinition(name = "Pointer TTL (s)",
            description = "How long a stored pointer lives unless its publisher stores it again (owners and"
                    + " holders do every announcement interval, 1 h by default).", min = "1")
    long pointerTtlSeconds() default 86400;

    @AttributeDefinition(name = "Max stored pointers",
            description = "Pointers kept for others at most; when full, the keys farthest from this node go first.",
            min = "1")
    int maxStoredPointers() default 20000;

    @AttributeDefinition(name = "Pointers kept per tessera",
            description = "Most pointers (one per publisher) this node keeps for one tessera; when full, the owner's"
                    + " and vouched holders' pointers push out unvouched ones.", min = "1")
    int maxPointersPerTessera() default 64;

    @AttributeDefinition(name = "Catalogue pages kept",
            description = "Most pages of owners' catalogues this node keeps; when full, the owner with the most"
                    + " pages here gives one up.", min = "1")
    int maxCataloguePages() default 20000;

    @AttributeDefinition(name = "Catalogue page TTL (s)",
            description = "How long a catalogue page lives unless stored again; its keepers republish it every"
                    + " republish interval, so it outlives its owner.", min = "1")
    long catalogueTtlSeconds() default 2592000;

    @AttributeDefinition(name = "Bootstrap retry cap (s)",
            description = "Longest wait between two rounds of seed bootstrap attempts (the wait doubles from 1 s).",
            min = "1")
    long bootstrapRetryMaxSeconds() default 300;

    @AttributeDefinition(name = "Nodes per subnet in a bucket",
            description = "At most this many nodes of one IPv4 /24 or IPv6 /48 in one k-bucket (and in its replacement"
                    + " cache), as S/Kademlia limits them: NodeIds minted on one host cannot fill the buckets (1-k).",
            min = "1")
    int maxNodesPerSubnetPerBucket() default 2;

    @AttributeDefinition(name = "Nodes per subnet in the table",
            description = "At most this many nodes of one IPv4 /24 or IPv6 /48 in the whole routing table"
                    + " (maxNodesPerSubnetPerBucket or more). A local test network on one address needs more.",
            min = "1")
    int maxNodesPerSubnet() default 10;

    @AttributeDefinition(name = "Known contacts file",
            description = "Where the addresses of the peers last in the routing table are kept, to rejoin through"
                    + " them after a restart (besides the seeds); empty means ${karaf.data}/tesseras/dht-contacts,"
                    + " none keeps no file.")
    String knownContactsFile() default "";
}
