package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ManifestConflictException;
import org.tesseras.api.port.ReciprocityLedger;

/**
 * Judges fragments pushed by peers, in the order of DESIGN.md §6 and §9: plan and size sane, the manifest
 * signed by its owner (whose key must derive the owner's NodeId) and naming the fragment's checksum, no other
 * manifest kept for the tessera, the sender within its deficit and per-peer allowance, enough free disk,
 * then the bytes streamed in and checked; a stored fragment is charged to the sender once. Every refusal is
 * an ack with a reason.
 */
final class FragmentReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentReceiver.class);
    private static final int LOCK_STRIPES = 64;

    private final Ports ports;
    private final ReentrantLock[] senderLocks = new ReentrantLock[LOCK_STRIPES];

    FragmentReceiver(Ports ports) {
        this.ports = ports;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            senderLocks[i] = new ReentrantLock();
        }
    }

    ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
        FragmentId id = envelope.id();
        Optional<String> invalid = invalid(sender, envelope);
        if (invalid.isPresent()) {
            drain(envelope);
            return refuse(sender, id, RefusalReason.INVALID, invalid.get());
        }
        FragmentStore store = ports.fragments();
        TesseraManifest manifest = envelope.manifest();
        ReentrantLock lock = senderLocks[Math.floorMod(sender.id().hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Optional<StoredFragment> held = store.find(id.tesseraHash(), id.index());
            if (held.isPresent() && held.get().id().checksum().equals(id.checksum())) {
                drain(envelope);
                return ReplicateAck.accepted(heldIndices(store, id));
            }
            Optional<ReplicateAck> refusal = checkAllowance(sender, envelope);
            if (refusal.isPresent()) {
                drain(envelope);
                return refusal.get();
            }
            store.saveManifest(manifest);
            try (InputStream content = envelope.content().open()) {
                store.store(id, content, Optional.of(sender.id()));
            } catch (FragmentIntegrityException e) {
                return refuse(sender, id, RefusalReason.CHECKSUM, e.getMessage());
            } catch (IllegalArgumentException | IllegalStateException e) {
                return refuse(sender, id, RefusalReason.INVALID, e.getMessage());
            }
            ports.ledger().recordStoredForPeer(sender.id(), envelope.length());
            LOG.debug("Stored fragment {} for {} ({} bytes)", id, sender, envelope.length());
            return ReplicateAck.accepted(heldIndices(store, id));
        } catch (ManifestConflictException | IllegalArgumentException e) {
            drain(envelope);
            return refuse(sender, id, RefusalReason.INVALID, e.getMessage());
        } catch (IOException e) {
            LOG.warn("Could not store fragment {} from {}: {}", id, sender, e.toString());
            return refuse(sender, id, RefusalReason.INVALID, "the transfer failed: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Why the fragment cannot be taken whatever the allowances, or empty when it can. */
    private Optional<String> invalid(NodeInfo sender, FragmentEnvelope envelope) {
        TesseraManifest manifest = envelope.manifest();
        long maxSize = ports.tiers().maxTesseraSizeBytes();
        if (manifest.plan().tesseraSize() > maxSize) {
            return Optional.of("tessera of " + manifest.plan().tesseraSize() + " bytes exceeds the maximum of "
                    + maxSize);
        }
        if (ports.identity().nodeId().equals(sender.id())) {
            return Optional.of("a node does not store fragments for itself");
        }
        Optional<String> untrusted = ports.verifier().manifestFault(manifest);
        if (untrusted.isPresent()) {
            return Optional.of("the manifest of " + manifest.tesseraHash() + " cannot be trusted: " + untrusted.get());
        }
        if (!envelope.matchesManifest()) {
            return Optional.of("fragment " + envelope.id() + " has checksum " + envelope.id().checksum()
                    + " but its manifest gives " + manifest.checksum(envelope.id().index()));
        }
        Optional<TesseraManifest> kept = ports.fragments().manifest(manifest.tesseraHash());
        if (kept.isPresent() && !kept.get().sameFragmentsAs(manifest)) {
            return Optional.of("this node keeps " + manifest.tesseraHash() + " under another manifest (owner "
                    + kept.get().owner() + ") that names other fragments");
        }
        return Optional.empty();
    }

    private Optional<ReplicateAck> checkAllowance(NodeInfo sender, FragmentEnvelope envelope) {
        ReplicationSettings settings = ports.settings();
        ReciprocityLedger ledger = ports.ledger();
        NodeId peer = sender.id();
        long bytes = envelope.length();
        long deficitAfter = -(ledger.balance(peer) - bytes);
        if (deficitAfter > settings.acceptDeficitUpToBytes()) {
            return Optional.of(refuse(sender, envelope.id(), RefusalReason.DEFICIT, "the peer would owe "
                    + deficitAfter + " bytes, more than the " + settings.acceptDeficitUpToBytes() + " allowed"));
        }
        long storedAfter = ledger.bytesStoredFor(peer) + bytes;
        if (storedAfter > settings.maxStoragePerPeerBytes()) {
            return Optional.of(refuse(sender, envelope.id(), RefusalReason.PEER_LIMIT, "we would store "
                    + storedAfter + " bytes for the peer, more than the " + settings.maxStoragePerPeerBytes()
                    + " allowed"));
        }
        long freeAfter = ports.fragments().usage().freeBytes() - bytes;
        if (freeAfter < settings.minFreeSpaceBytes()) {
            return Optional.of(refuse(sender, envelope.id(), RefusalReason.NO_SPACE, "only " + freeAfter
                    + " bytes of disk would stay free, less than the " + settings.minFreeSpaceBytes() + " kept"));
        }
        return Optional.empty();
    }

    private ReplicateAck refuse(NodeInfo sender, FragmentId id, RefusalReason reason, String detail) {
        LOG.info("Refused fragment {} from {}: {} ({})", id, sender, reason, detail);
        return ReplicateAck.refused(reason, detail, heldIndices(ports.fragments(), id));
    }

    private static List<Integer> heldIndices(FragmentStore store, FragmentId id) {
        return store.list(id.tesseraHash()).stream().map(f -> f.id().index()).toList();
    }

    /** Reads and drops the rest of a stream we will not keep, so the transport can go on. */
    private static void drain(FragmentEnvelope envelope) {
        try (InputStream content = envelope.content().open()) {
            content.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            LOG.debug("Dropping an unwanted fragment stream of {} failed: {}", envelope.id(), e.toString());
        }
    }
}
