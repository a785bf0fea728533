package org.tesseras.dht.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.tesseras.api.model.Attestation;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentEnvelope;
import org.tesseras.api.model.FragmentSource;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RefusalReason;
import org.tesseras.api.model.ReplicateAck;
import org.tesseras.api.port.FragmentExchange;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.NodeIdentity;

/**
 * A small real fragment exchange kept in memory: checks pushed fragments against their checksum, attests
 * with keyed-BLAKE3 proofs signed by {@code signer}, and serves what it holds.
 */
final class HeldFragments implements FragmentExchange {
    private final NodeId holder;
    private final NodeIdentity signer;
    private final Hasher hasher;
    private final Map<ContentHash, Map<Integer, Held>> fragments = new ConcurrentHashMap<>();
    volatile NodeInfo lastSender;

    private record Held(FragmentEnvelope envelope, byte[] bytes) {
    }

    /** Holds fragments for {@code holder} and signs attestations with {@code signer} (normally the same node). */
    HeldFragments(NodeId holder, NodeIdentity signer, Hasher hasher) {
        this.holder = holder;
        this.signer = signer;
        this.hasher = hasher;
    }

    @Override
    public ReplicateAck receive(NodeInfo sender, FragmentEnvelope envelope) {
        lastSender = sender;
        byte[] bytes;
        try (InputStream in = envelope.content().open()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return ReplicateAck.refused(RefusalReason.INVALID, e.getMessage(), held(envelope.id().tesseraHash()));
        }
        if (bytes.length != envelope.length() || !hasher.hash(bytes).equals(envelope.id().checksum())) {
            return ReplicateAck.refused(RefusalReason.CHECKSUM, "fragment " + envelope.id() + " does not match",
                    held(envelope.id().tesseraHash()));
        }
        FragmentEnvelope kept = new FragmentEnvelope(envelope.id(), envelope.manifest(), FragmentSource.ofBytes(bytes));
        fragments.computeIfAbsent(envelope.id().tesseraHash(), h -> new ConcurrentSkipListMap<>())
                .put(envelope.id().index(), new Held(kept, bytes));
        return ReplicateAck.accepted(held(envelope.id().tesseraHash()));
    }

    @Override
    public Optional<Attestation> attest(NodeInfo requester, ContentHash tesseraHash, byte[] nonce) {
        Map<Integer, Held> held = fragments.get(tesseraHash);
        if (held == null || held.isEmpty()) {
            return Optional.empty();
        }
        List<Attestation.Entry> entries = new ArrayList<>();
        held.forEach((index, fragment) -> entries.add(new Attestation.Entry(index, fragment.envelope().id().checksum(),
                hasher.keyedHash(nonce, fragment.bytes()).bytes())));
        long timestamp = 1_800_000_000_000L;
        byte[] signature = signer.sign(Attestation.signedPayload(tesseraHash, nonce, entries, timestamp, holder));
        return Optional.of(new Attestation(tesseraHash, nonce, entries, timestamp, holder, signature));
    }

    @Override
    public Optional<FragmentEnvelope> fetch(NodeInfo requester, ContentHash tesseraHash, int index) {
        Map<Integer, Held> held = fragments.get(tesseraHash);
        Held fragment = held == null ? null : held.get(index);
        return fragment == null ? Optional.empty() : Optional.of(fragment.envelope());
    }

    /** The bytes held for fragment {@code index} of {@code tesseraHash}, if any. */
    Optional<byte[]> bytes(ContentHash tesseraHash, int index) {
        Map<Integer, Held> held = fragments.get(tesseraHash);
        Held fragment = held == null ? null : held.get(index);
        return fragment == null ? Optional.empty() : Optional.of(fragment.bytes().clone());
    }

    private List<Integer> held(ContentHash tesseraHash) {
        Map<Integer, Held> held = fragments.get(tesseraHash);
        return held == null ? List.of() : List.copyOf(held.keySet());
    }
}
