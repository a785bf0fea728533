package org.tesseras.api.port;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.model.NodeId;

/**
 * The bilateral account with each peer: bytes we store for them against bytes they store for us.
 * Every update is atomic; a negative amount releases bytes.
 */
@ProviderType
public interface ReciprocityLedger {

    /** We now store {@code bytes} more for {@code peer}. */
    void recordStoredForPeer(NodeId peer, long bytes);

    /** {@code peer} now stores {@code bytes} more for us. */
    void recordPeerStoresForUs(NodeId peer, long bytes);

    /** {@code theyStoreForUs - storedForThem}; 0 for an unknown peer. */
    long balance(NodeId peer);

    /** Bytes we store for {@code peer}; 0 for an unknown peer. */
    long bytesStoredFor(NodeId peer);

    /**
     * Counts {@code peer}'s account in {@code subnet} (its IPv4 /24 or IPv6 /48, as {@code Contact.subnetOf} writes
     * it) from now on, and returns the subnet it counts in. The sums per subnet let one allowance cover all the
     * NodeIds of one network. A peer placed elsewhere that we store bytes for, or that owes us, stays where it is
     * until that is settled: a debt made in one subnet never leaves it by connecting from another address.
     */
    String placeInSubnet(NodeId peer, String subnet);

    /** The sum of the balances of the peers placed in {@code subnet}; 0 when there are none. */
    long subnetBalance(String subnet);

    /** Bytes we store for the peers placed in {@code subnet}, together; 0 when there are none. */
    long bytesStoredForSubnet(String subnet);

    /** The account with {@code peer}, if any. */
    Optional<LedgerEntry> entry(NodeId peer);

    /** Up to {@code count} peers with the highest balance first. */
    List<LedgerEntry> bestPeers(int count);

    /** Every account, highest balance first. */
    List<LedgerEntry> entries();
}
