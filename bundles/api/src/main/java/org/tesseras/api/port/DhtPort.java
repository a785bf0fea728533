package org.tesseras.api.port;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Contact;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.model.TesseraPointer;

/** The Kademlia overlay as replication uses it: finding peers and pointers, and talking to holders. */
@ProviderType
public interface DhtPort {

    /** This node. */
    NodeInfo localNode();

    /** The live nodes closest to {@code key} by XOR distance (up to k), closest first; never this node. */
    CompletableFuture<List<NodeInfo>> findClosest(NodeId key);

    /** Pushes a fragment to {@code peer}; completes with its verdict. */
    CompletableFuture<ReplicateAck> replicate(Contact peer, FragmentEnvelope envelope);

    /** Asks {@code peer} to prove possession of its fragments of {@code tesseraHash}. */
    CompletableFuture<Attestation> attest(Contact peer, ContentHash tesseraHash, byte[] nonce);

    /** Fetches a fragment from {@code peer} into {@code reader}. */
    <T> CompletableFuture<T> fetch(Contact peer, ContentHash tesseraHash, int index, FragmentReader<T> reader);

    /** Whether {@code peer} answers a ping within the RPC timeout. */
    CompletableFuture<Boolean> ping(Contact peer);

    /** Stores {@code pointer} on the k nodes closest to its key; completes with how many took it. */
    CompletableFuture<Integer> publish(TesseraPointer pointer);

    /** Looks up the pointer of {@code tesseraHash}. */
    CompletableFuture<Optional<TesseraPointer>> findPointer(ContentHash tesseraHash);

    /** Joins the network through {@code seed}; completes with the routing table size afterwards. */
    CompletableFuture<Integer> bootstrap(InetSocketAddress seed);

    /** A snapshot of the routing table, nearest buckets first. */
    List<RoutingEntry> routingTable();
}
