package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * Judges fragments pushed by peers, in the order of DESIGN.md §6 and §9, in two steps. {@link #judge} looks at
 * the header before any byte crosses the network: plan and size sane, the manifest signed by its owner (whose key
 * must derive the owner's NodeId) and naming the fragment's checksum, no other manifest kept for the tessera,
 * the sender within its deficit and per-peer allowance, the sender's subnet (IPv4 /24, IPv6 /48: one allowance for
 * all the NodeIds of one network) within its own, and the disk within its margin, counting what other pushes in
 * flight will take (their bytes are reserved). {@link #receive} then streams the bytes in, checked, and
 * charges the sender once. No lock is held while bytes are read from the network; a fragment already held is
 * taken without its bytes and not charged again, and one already arriving from another push is refused.
 */
final class FragmentReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(FragmentReceiver.class);

    private final LocalPorts ports;
    /** Pushes judged and not finished: the fragment, who sends it, and the bytes reserved for it. */
    private final Map<FragmentId, Reservation> arriving = new HashMap<>();
    private final Map<NodeId, Long> reservedBySender = new HashMap<>();
    private final Map<String, Long> reservedBySubnet = new HashMap<>();
    private long reservedTotal;

    FragmentReceiver(LocalPorts ports) {
        this.ports = ports;
    }

    private record Reservation(NodeId sender, String subnet, long bytes) {
    }

    /** Empty when the fragment may come (its bytes are then reserved), else the answer to give at once. */
    Optional<ReplicateAck> judge(NodeInfo sender, FragmentId id, TesseraManifest manifest) {
        Optional<String> invalid = invalid(sender, id, manifest);
        if (invalid.isPresent()) {
            return Optional.of(refuse(sender, id, RefusalReason.INVALID, invalid.get()));
        }
        FragmentStore store = ports.fragments();
        Optional<StoredFragment> held = store.find(id.tesseraHash(), id.index());
        if (held.isPresent() && held.get().id().checksum().equals(id.checksum())) {
            return Optional.of(ReplicateAck.accepted(heldIndices(store, id)));
        }
        long bytes = manifest.plan().shardSize();
        String subnet = ports.ledger().placeInSubnet(sender.id(), sender.subnet());
        synchronized (this) {
            Reservation already = arriving.get(id);
            if (already != null) {
                return Optional.of(refuse(sender, id, RefusalReason.BUSY, "fragment " + id + " is arriving from "
                        + (already.sender().equals(sender.id()) ? "another push of this peer" : "another peer")
                        + " right now"));
            }
            Optional<ReplicateAck> refusal = checkAllowance(sender, subnet, id, bytes);
            if (refusal.isPresent()) {
                return refusal;
            }
            arriving.put(id, new Reservation(sender.id(), subnet, bytes));
            reservedBySender.merge(sender.id(), bytes, Long::sum);
            reservedBySubnet.merge(subnet, bytes, Long::sum);
            reservedTotal += bytes;
        }
        return Optional.empty();
    }

    /** Streams in and keeps a fragment {@link #judge} let come (judging it first if nothing did). */
    ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
        FragmentId id = envelope.id();
        if (!isReservedFor(sender, id)) {
            Optional<ReplicateAck> judged = judge(sender, id, envelope.manifest());
            if (judged.isPresent()) {
                drain(envelope);
                return judged.get();
            }
        }
        FragmentStore store;
        try {
            store = ports.fragments();
        } catch (IllegalStateException storeGone) {
            // the store's bundle is being updated or stopped: the sender tries again later, nothing stays reserved
            release(id);
            drain(envelope);
            return refuse(sender, id, RefusalReason.BUSY, storeGone.getMessage());
        }
        try {
            store.saveManifest(envelope.manifest());
            try (InputStream content = envelope.content().open()) {
                store.store(id, content, Optional.of(sender.id()));
            }
            ports.ledger().recordStoredForPeer(sender.id(), envelope.length());
            ports.metrics().fragmentStored(envelope.length());
            LOG.debug("Stored fragment {} for {} ({} bytes)", id, sender, envelope.length());
            return ReplicateAck.accepted(heldIndices(store, id));
        } catch (FragmentIntegrityException e) {
            return refuse(sender, id, RefusalReason.CHECKSUM, e.getMessage());
        } catch (ManifestConflictException | IllegalArgumentException | IllegalStateException e) {
            drain(envelope);
            return refuse(sender, id, RefusalReason.INVALID, e.getMessage());
        } catch (IOException e) {
            LOG.warn("Could not store fragment {} from {}: {}", id, sender, e.toString());
            return refuse(sender, id, RefusalReason.INVALID, "the transfer failed: " + e.getMessage());
        } finally {
            release(id);
        }
    }

    private synchronized boolean isReservedFor(NodeInfo sender, FragmentId id) {
        Reservation reservation = arriving.get(id);
        return reservation != null && reservation.sender().equals(sender.id());
    }

    private synchronized void release(FragmentId id) {
        Reservation reservation = arriving.remove(id);
        if (reservation != null) {
            reservedBySender.computeIfPresent(reservation.sender(), (peer, bytes) -> bytes == reservation.bytes() ? null
                    : bytes - reservation.bytes());
            reservedBySubnet.computeIfPresent(reservation.subnet(), (net, bytes) -> bytes == reservation.bytes()
                    ? null : bytes - reservation.bytes());
            reservedTotal -= reservation.bytes();
        }
    }

    /** Why the fragment cannot be taken whatever the allowances, or empty when it can. */
    private Optional<String> invalid(NodeInfo sender, FragmentId id, TesseraManifest manifest) {
        long maxSize = ports.tiers().maxTesseraSizeBytes();
        if (manifest.plan().tesseraSize() > maxSize) {
            return Optional.of("tessera of " + manifest.plan().tesseraSize() + " bytes exceeds the maximum of "
                    + maxSize);
        }
        if (ports.identity().nodeId().equals(sender.id())) {
            return Optional.of("a node does not store fragments for itself");
        }
        if (!id.belongsTo(manifest.plan())) {
            return Optional.of("fragment " + id + " does not belong to the plan of its manifest");
        }
        Optional<String> untrusted = ports.verifier().manifestFault(manifest);
        if (untrusted.isPresent()) {
            return Optional.of("the manifest of " + manifest.tesseraHash() + " cannot be trusted: " + untrusted.get());
        }
        if (!id.checksum().equals(manifest.checksum(id.index()))) {
            return Optional.of("fragment " + id + " has checksum " + id.checksum() + " but its manifest gives "
                    + manifest.checksum(id.index()));
        }
        Optional<TesseraManifest> kept = ports.fragments().manifest(manifest.tesseraHash());
        if (kept.isPresent() && !kept.get().sameFragmentsAs(manifest)) {
            return Optional.of("this node keeps " + manifest.tesseraHash() + " under another manifest (owner "
                    + kept.get().owner() + ") that names other fragments");
        }
        return Optional.empty();
    }

    /** Called with this receiver's lock held: what other pushes in flight reserved counts as taken. */
    private Optional<ReplicateAck> checkAllowance(NodeInfo sender, String subnet, FragmentId id, long bytes) {
        ReplicationSettings settings = ports.settings();
        ReciprocityLedger ledger = ports.ledger();
        NodeId peer = sender.id();
        long reserved = reservedBySender.getOrDefault(peer, 0L);
        long deficitAfter = -(ledger.balance(peer) - reserved - bytes);
        if (deficitAfter > settings.acceptDeficitUpToBytes()) {
            return Optional.of(refuse(sender, id, RefusalReason.DEFICIT, "the peer would owe " + deficitAfter
                    + " bytes, more than the " + settings.acceptDeficitUpToBytes() + " allowed"));
        }
        long storedAfter = ledger.bytesStoredFor(peer) + reserved + bytes;
        if (storedAfter > settings.maxStoragePerPeerBytes()) {
            return Optional.of(refuse(sender, id, RefusalReason.PEER_LIMIT, "we would store " + storedAfter
                    + " bytes for the peer, more than the " + settings.maxStoragePerPeerBytes() + " allowed"));
        }
        PeerLimits limits = settings.peerLimits();
        long subnetReserved = reservedBySubnet.getOrDefault(subnet, 0L);
        long subnetDeficitAfter = -(ledger.subnetBalance(subnet) - subnetReserved - bytes);
        if (subnetDeficitAfter > limits.acceptDeficitPerSubnetUpToBytes()) {
            return Optional.of(refuse(sender, id, RefusalReason.DEFICIT, "the peers of " + subnet + " together would"
                    + " owe " + subnetDeficitAfter + " bytes, more than the " + limits.acceptDeficitPerSubnetUpToBytes()
                    + " allowed per subnet"));
        }
        long subnetStoredAfter = ledger.bytesStoredForSubnet(subnet) + subnetReserved + bytes;
        if (subnetStoredAfter > limits.maxStoragePerSubnetBytes()) {
            return Optional.of(refuse(sender, id, RefusalReason.PEER_LIMIT, "we would store " + subnetStoredAfter
                    + " bytes for the peers of " + subnet + ", more than the " + limits.maxStoragePerSubnetBytes()
                    + " allowed per subnet"));
        }
        long freeAfter = ports.fragments().usage().freeBytes() - reservedTotal - bytes;
        if (freeAfter < settings.minFreeSpaceBytes()) {
            return Optional.of(refuse(sender, id, RefusalReason.NO_SPACE, "only " + freeAfter
                    + " bytes of disk would stay free, less than the " + settings.minFreeSpaceBytes() + " kept"));
        }
        return Optional.empty();
    }

    private ReplicateAck refuse(NodeInfo sender, FragmentId id, RefusalReason reason, String detail) {
        LOG.info("Refused fragment {} from {}: {} ({})", id, sender, reason, detail);
        ports.metrics().fragmentRefused(reason);
        List<Integer> held;
        try {
            held = heldIndices(ports.fragments(), id);
        } catch (IllegalStateException storeGone) {
            held = List.of();
        }
        return ReplicateAck.refused(reason, detail, held);
    }

    private static List<Integer> heldIndices(FragmentStore store, FragmentId id) {
        return store.list(id.tesseraHash()).stream().map(f -> f.id().index()).toList();
    }

    /** Reads and drops the rest of a stream we will not keep, so the transport can go on. */
    private static void drain(FragmentEnvelope envelope) {
        try (InputStream content = envelope.content().open()) {
            content.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            LOG.debug("Dropping an unwanted fragment stream of {} failed: {}", envelope.id(), e.toString());
        }
    }
}
