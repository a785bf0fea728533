package org.tesseras.replication.internal;

import java.util.Collection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.ReciprocityLedger;

/**
 * Takes back ledger credit when bytes stop being stored: a holder that no longer holds our fragments is
 * debited for them, and fragments we no longer keep for a peer stop counting against it. Never below zero.
 */
final class LedgerCorrections {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerCorrections.class);

    private LedgerCorrections() {
    }

    /**
     * {@code holder} no longer stores {@code indices} of {@code plan} for us: its holder records go and, when it
     * was credited for them ({@code credited}: we own the tessera, not a custodian's borrowed holders), its
     * credit drops by their size.
     */
    static void holderLost(Ports ports, FragmentPlan plan, NodeId holder, Collection<Integer> indices, String why,
            boolean credited) {
        if (indices.isEmpty()) {
            return;
        }
        ports.holders().forgetFragments(plan.tesseraHash(), holder, indices);
        if (!credited) {
            LOG.info("Holder {} no longer counts for fragments {} of {} ({})", holder.shortHex(), indices,
                    plan.tesseraHash(), why);
            return;
        }
        ReciprocityLedger ledger = ports.ledger();
        long owed = ledger.entry(holder).map(LedgerEntry::bytesTheyStoreForUs).orElse(0L);
        long debit = Math.min(owed, plan.shardSize() * indices.size());
        if (debit > 0) {
            ledger.recordPeerStoresForUs(holder, -debit);
        }
        LOG.info("Holder {} no longer counts for fragments {} of {} ({}); its ledger credit dropped by {} bytes",
                holder.shortHex(), indices, plan.tesseraHash(), why, debit);
    }

    /** We no longer keep {@code bytes} for {@code peer} (its fragment was quarantined or dropped). */
    static void noLongerStoredFor(ReciprocityLedger ledger, NodeId peer, long bytes) {
        long stored = ledger.bytesStoredFor(peer);
        long release = Math.min(stored, bytes);
        if (release > 0) {
            ledger.recordStoredForPeer(peer, -release);
        }
    }
}
