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

    /** The account with {@code peer}, if any. */
    Optional<LedgerEntry> entry(NodeId peer);

    /** Up to {@code count} peers with the highest balance first. */
    List<LedgerEntry> bestPeers(int count);

    /** Every account, highest balance first. */
    List<LedgerEntry> entries();
}
