package org.tesseras.replication.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.StoredFragment;

/**
 * What is done with a local fragment proven bad against its manifest: moved to quarantine (kept, not
 * deleted) and, when it was held for a peer, no longer counted as stored for it. Repair or the owner's next
 * health check brings a good copy back.
 */
final class LocalDamage {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDamage.class);

    private LocalDamage() {
    }

    /** Quarantines fragment {@code index} of {@code hash} for {@code why}; false when it was not held. */
    static boolean quarantine(LocalPorts ports, ContentHash hash, int index, String why) throws IOException {
        Optional<StoredFragment> held = ports.fragments().find(hash, index);
        boolean moved = ports.fragments().quarantine(hash, index, why);
        held.flatMap(StoredFragment::originPeer).ifPresent(peer -> LedgerCorrections.noLongerStoredFor(ports.ledger(),
                peer, held.get().sizeBytes()));
        return moved;
    }

    /** Quarantines the fragments held here whose files are not a shard long, saying so; {@code during}: what found them. */
    static void quarantineWrongSize(LocalPorts ports, ContentHash hash, FragmentPlan plan, Map<Integer, Long> found,
            String during) throws IOException {
        for (Map.Entry<Integer, Long> fragment : found.entrySet()) {
            quarantine(ports, hash, fragment.getKey(), "its file holds " + fragment.getValue() + " bytes, a shard "
                    + plan.shardSize() + " (found by " + during + ")");
            LOG.warn("Fragment {}/{} held here is {} bytes long, not the shard's {}: quarantined, not read", hash,
                    fragment.getKey(), fragment.getValue(), plan.shardSize());
        }
    }
}
