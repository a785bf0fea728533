package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;

import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Brings the in-memory index in line with the bucket, which is the truth. Every manifest object is read (a
 * damaged one is quarantined with the shards it would explain), every shard object the index does not know is
 * indexed if its manifest explains it (index, length and the checksum kept in its metadata, or its bytes hashed
 * when the metadata lacks it) and quarantined if not, and indexed fragments whose objects are gone are marked
 * lost. Nothing is deleted.
 */
final class S3Reconciler {
    private final S3FragmentStore store;
    private final S3Objects objects;
    private final Hasher hasher;
    private int manifests;
    private int alreadyIndexed;
    private int indexed;
    private int quarantined;
    private int markedLost;
    private final List<String> notes = new ArrayList<>();

    S3Reconciler(S3FragmentStore store, S3Objects objects, Hasher hasher) {
        this.store = store;
        this.objects = objects;
        this.hasher = hasher;
    }

    ReindexReport run() throws IOException {
        Map<ContentHash, Boolean> manifestObjects = new TreeMap<>();
        Map<ContentHash, List<S3Object>> shards = new TreeMap<>();
        for (S3Object object : objects.list(S3Layout.FRAGMENTS)) {
            String relative = objects.relative(object.key());
            ContentHash manifestOf = S3Layout.parseManifest(relative);
            Object[] shard = S3Layout.parseShard(relative);
            if (manifestOf != null) {
                manifestObjects.put(manifestOf, true);
            } else if (shard != null) {
                shards.computeIfAbsent((ContentHash) shard[0], h -> new ArrayList<>()).add(object);
            } else {
                notes.add("ignored " + relative + ": not a manifest or shard");
            }
        }
        Set<ContentHash> tesseras = new HashSet<>(manifestObjects.keySet());
        tesseras.addAll(shards.keySet());
        for (ContentHash hash : tesseras) {
            synchronized (store.lock(hash)) {
                reconcile(hash, manifestObjects.containsKey(hash), shards.getOrDefault(hash, List.of()));
            }
        }
        for (ContentHash hash : List.copyOf(store.held.keySet())) {
            Set<Integer> present = new HashSet<>();
            for (S3Object object : shards.getOrDefault(hash, List.of())) {
                present.add((Integer) S3Layout.parseShard(objects.relative(object.key()))[1]);
            }
            for (StoredFragment fragment : List.copyOf(store.fragmentsOf(hash).values())) {
                // the node goes on storing while a reindex runs: one installed after the listing is asked for
                // again under its tessera's lock (which installing takes too), not marked lost on the listing's word
                if (!present.contains(fragment.id().index()) && store.markLostIfStillGone(fragment,
                        objects.key(S3Layout.shard(hash, fragment.id().index())))) {
                    markedLost++;
                }
            }
        }
        return new ReindexReport(tesseras.size(), manifests, alreadyIndexed, indexed, quarantined, markedLost, notes);
    }

    private void reconcile(ContentHash hash, boolean hasManifestObject, List<S3Object> shardObjects)
            throws IOException {
        TesseraManifest manifest = store.manifests.get(hash);
        if (hasManifestObject) {
            byte[] sealed = objects.getBytes(objects.key(S3Layout.manifest(hash))).orElse(null);
            if (sealed != null) {
                try {
                    TesseraManifest read = S3Layout.unseal(sealed, hash, hasher);
                    manifest = manifest == null ? read : manifest;
                    store.manifests.put(hash, manifest);
                    manifests++;
                } catch (IllegalArgumentException e) {
                    store.quarantineObject(objects.key(S3Layout.manifest(hash)), hash.hex() + "-"
                            + S3Layout.MANIFEST, "damaged manifest: " + e.getMessage());
                    quarantined++;
                    notes.add(e.getMessage());
                    manifest = null;
                    store.manifests.remove(hash);
                }
            }
        } else if (manifest != null) {
            byte[] sealed = S3Layout.seal(manifest, hasher);
            objects.put(objects.key(S3Layout.manifest(hash)), sealed, sealed.length, Map.of());
            notes.add("wrote back the manifest object of " + hash + " from the index");
            manifests++;
        }
        for (S3Object object : shardObjects) {
            int index = (Integer) S3Layout.parseShard(objects.relative(object.key()))[1];
            String what = hash.hex() + "-" + String.format("%03d.shard", index);
            if (manifest == null) {
                store.quarantineObject(object.key(), what, "no manifest explains " + hash + "/" + index);
                quarantined++;
                continue;
            }
            Optional<StoredFragment> known = Optional.ofNullable(store.fragmentsOf(hash).get(index));
            if (known.isPresent() && S3FragmentStore.fits(known.get(), manifest)) {
                alreadyIndexed++;
                continue;
            }
            String why = explains(manifest, index, object);
            if (why != null) {
                store.fragmentsOf(hash).remove(index);
                store.quarantineObject(object.key(), what, why);
                quarantined++;
                continue;
            }
            HeadObjectResponse head = objects.head(object.key()).orElse(null);
            if (head == null) {
                continue;
            }
            String origin = head.metadata().get(S3Layout.ORIGIN_METADATA);
            Optional<NodeId> originPeer = origin != null && origin.matches("[0-9a-f]{40}")
                    ? Optional.of(NodeId.of(origin)) : Optional.empty();
            FragmentId id = manifest.fragmentId(index);
            store.fragmentsOf(hash).put(index, new StoredFragment(id, manifest.plan().isParity(index),
                    manifest.plan().shardSize(), Optional.ofNullable(object.lastModified()).orElse(Instant.now()),
                    Optional.empty(), originPeer));
            store.lost.remove(S3FragmentStore.key(hash, index));
            indexed++;
        }
    }

    /** Null when {@code manifest} explains the shard object; otherwise why it does not. */
    private String explains(TesseraManifest manifest, int index, S3Object object) throws IOException {
        if (index >= manifest.plan().totalShards()) {
            return "fragment index " + index + " is outside the plan of " + manifest.tesseraHash();
        }
        if (object.size() != manifest.plan().shardSize()) {
            return "fragment " + manifest.tesseraHash() + "/" + index + " has " + object.size()
                    + " bytes, the plan says " + manifest.plan().shardSize();
        }
        String recorded = objects.head(object.key()).map(h -> h.metadata().get(S3Layout.CHECKSUM_METADATA))
                .orElse(null);
        ContentHash expected = manifest.checksum(index);
        if (recorded != null && recorded.equals(expected.hex())) {
            return null;
        }
        Optional<? extends InputStream> content = objects.get(object.key(), 0);
        if (content.isEmpty()) {
            return "fragment " + manifest.tesseraHash() + "/" + index + " vanished while it was checked";
        }
        ContentHash actual;
        try (InputStream in = content.get()) {
            actual = hasher.hash(in);
        }
        return actual.equals(expected) ? null : "fragment " + manifest.tesseraHash() + "/" + index
                + " hashes to " + actual + ", the manifest gives " + expected;
    }
}
