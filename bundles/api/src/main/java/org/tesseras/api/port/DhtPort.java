package org.tesseras.api.port;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.CataloguePage;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.PointerRecords;
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

    /**
     * Stores {@code pointer}, this node's signed word on a tessera, on the k nodes closest to its key; completes
     * with how many took it (a node refuses a pointer it cannot verify or whose publisher is not entitled).
     */
    CompletableFuture<Integer> publish(TesseraPointer pointer);

    /**
     * Stores {@code pointer} on {@code closest}, the nodes closest to its key as a {@link #findClosest} of that key
     * just found them (a put that looked them up already does not look them up twice).
     */
    CompletableFuture<Integer> publish(TesseraPointer pointer, List<NodeInfo> closest);

    /**
     * Looks up the pointers of {@code tesseraHash}: every publisher's verified word on it that the nodes closest to
     * it keep; empty when none is found.
     */
    CompletableFuture<Optional<PointerRecords>> findPointers(ContentHash tesseraHash);

    /** Stores a page of this node's catalogue on the k nodes closest to its NodeId; completes with how many took it. */
    CompletableFuture<Integer> publishCatalogue(CataloguePage page);

    /** Looks up page {@code page} of {@code owner}'s catalogue, verified; empty when no node keeps it. */
    CompletableFuture<Optional<CataloguePage>> findCatalogue(NodeId owner, int page);

    /** Joins the network through {@code seed}; completes with the routing table size afterwards. */
    CompletableFuture<Integer> bootstrap(InetSocketAddress seed);

    /** A snapshot of the routing table, nearest buckets first. */
    List<RoutingEntry> routingTable();
}
