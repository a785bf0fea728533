package org.tesseras.api.port;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.TesseraPointer;

/** The Kademlia overlay as replication uses it: finding peers and the pointers to tesseras. */
@ProviderType
public interface DhtPort {

    /** This node. */
    NodeInfo localNode();

    /** The live nodes closest to {@code key} by XOR distance (up to k), closest first; never this node. */
    CompletableFuture<List<NodeInfo>> findClosest(NodeId key);

    /** Whether {@code peer} answers a ping within the RPC timeout. */
    CompletableFuture<Boolean> ping(Contact peer);

    /** Stores {@code pointer} on the k nodes closest to its key; completes with how many took it. */
    CompletableFuture<Integer> publish(TesseraPointer pointer);

    /**
     * Stores {@code pointer} on {@code closest}, the nodes closest to its key as a {@link #findClosest} of that key
     * just found them (a put that looked them up already does not look them up twice).
     */
    CompletableFuture<Integer> publish(TesseraPointer pointer, List<NodeInfo> closest);

    /** Looks up the pointer of {@code tesseraHash}. */
    CompletableFuture<Optional<TesseraPointer>> findPointer(ContentHash tesseraHash);

    /** Joins the network through {@code seed}; completes with the routing table size afterwards. */
    CompletableFuture<Integer> bootstrap(InetSocketAddress seed);

    /** A snapshot of the routing table, nearest buckets first. */
    List<RoutingEntry> routingTable();
}
