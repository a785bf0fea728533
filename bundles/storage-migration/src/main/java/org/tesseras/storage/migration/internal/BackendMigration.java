package org.tesseras.storage.migration.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.MigrationReport;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.ManifestConflictException;
import org.tesseras.api.port.ProgressListener;
import org.tesseras.api.port.StorageBackend;

/**
 * One run of moving everything from one backend to another while the node keeps using the active one. It copies
 * (two passes, the second for what arrived during the first), raises the target's rank above every other
 * backend's so that the node's stores switch to it, copies again what arrived meanwhile, waits for operations
 * still holding the old stores to settle, and then, in rounds until the source is empty, removes from the source
 * each item only once it verified at the target. Every copy is checked twice: the target refuses bytes whose
 * BLAKE3 differs from the manifest, and re-hashes what it holds afterwards. Running it again resumes: what
 * verifies at the target already is counted, not copied.
 */
final class BackendMigration {
    private static final Logger LOG = LoggerFactory.getLogger(BackendMigration.class);
    private static final int REMOVAL_ROUNDS = 5;

    private final StorageBackend from;
    private final StorageBackend to;
    private final int rankAbove;
    private final Duration settle;
    private final ProgressListener progress;

    private final Set<ContentHash> manifests = new HashSet<>();
    private final Set<FragmentId> verifiedFragments = new HashSet<>();
    private final Set<ContentHash> verifiedBlobs = new HashSet<>();
    /** Items left in the source, with why; an item copied later is taken off. */
    private final Map<String, String> kept = new LinkedHashMap<>();
    private final Set<ContentHash> conflicting = new HashSet<>();
    private long fragmentsCopied;
    private long fragmentsAlreadyThere;
    private long blobsCopied;
    private long blobsAlreadyThere;
    private long bytesCopied;
    private long removed;
    private long done;

    /**
     * A migration from {@code from} to {@code to}; {@code rankAbove} is the highest rank of every backend other
     * than {@code to}, which the target's rank is raised above to make it active.
     */
    BackendMigration(StorageBackend from, StorageBackend to, int rankAbove, Duration settle,
            ProgressListener progress) {
        this.from = from;
        this.to = to;
        this.rankAbove = rankAbove;
        this.settle = settle;
        this.progress = progress;
    }

    /** Runs it; an {@link IOException} names the backend that failed, and leaves the source as it was. */
    MigrationReport run() throws IOException {
        long started = System.nanoTime();
        copyAll("copying fragments and blobs");
        copyAll("catching up fragments and blobs");
        boolean switched = to.rank() > rankAbove;
        if (!switched) {
            int rank = rankAbove + 1;
            on(to, "raising its rank to " + rank, () -> {
                to.rank(rank);
                return null;
            });
            switched = true;
            LOG.info("Storage backend {} is active now (rank {}); {} is left to empty", to.name(), rank, from.name());
        }
        copyAll("catching up fragments and blobs after the switch");
        sleep(settle);
        for (int round = 1; round <= REMOVAL_ROUNDS; round++) {
            copyAll("final copy of fragments and blobs");
            if (removeVerified() == 0 && sourceEmpty()) {
                break;
            }
        }
        noteWhatRemains();
        MigrationReport report = new MigrationReport(from.name(), to.name(), manifests.size(), fragmentsCopied,
                fragmentsAlreadyThere, blobsCopied, blobsAlreadyThere, bytesCopied, switched, removed,
                List.copyOf(kept.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()),
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("Migration {} -> {}: {}", from.name(), to.name(), report);
        return report;
    }

    private void copyAll(String phase) throws IOException {
        List<ContentHash> tesseras = on(from, "listing its tesseras", () -> from.fragments().listTesseras());
        List<ContentHash> blobs = on(from, "listing its blobs", () -> from.blobs().list());
        long total = done + tesseras.size() + blobs.size();
        for (ContentHash tessera : tesseras) {
            copyTessera(tessera);
            progress.onProgress(phase, ++done, total);
        }
        for (ContentHash blob : blobs) {
            copyBlob(blob);
            progress.onProgress(phase, ++done, total);
        }
    }

    private void copyTessera(ContentHash tessera) throws IOException {
        Optional<TesseraManifest> manifest = on(from, "reading the manifest of " + tessera,
                () -> from.fragments().manifest(tessera));
        if (manifest.isEmpty() || conflicting.contains(tessera)) {
            return;
        }
        try {
            on(to, "recording the manifest of " + tessera, () -> {
                to.fragments().saveManifest(manifest.get());
                return null;
            });
        } catch (ManifestConflictException e) {
            conflicting.add(tessera);
            kept.put("tessera " + tessera, to.name() + " holds another manifest for it (" + e.getMessage()
                    + "); nothing of it was moved");
            return;
        }
        manifests.add(tessera);
        for (StoredFragment held : on(from, "listing the fragments of " + tessera, () -> from.fragments().list(tessera))) {
            if (!verifiedFragments.contains(held.id())) {
                copyFragment(held);
            }
        }
    }

    private void copyFragment(StoredFragment held) throws IOException {
        FragmentId id = held.id();
        ContentHash tessera = id.tesseraHash();
        int index = id.index();
        String item = "fragment " + tessera + "#" + index;
        if (on(to, "finding " + item, () -> to.fragments().find(tessera, index)).isPresent()) {
            FragmentCheck there = on(to, "verifying " + item, () -> to.fragments().verify(tessera, index));
            if (there == FragmentCheck.GOOD) {
                verifiedFragments.add(id);
                fragmentsAlreadyThere++;
                kept.remove(item);
                return;
            }
            on(to, "quarantining its bad copy of " + item, () -> to.fragments().quarantine(tessera, index,
                    "found " + there + " while migrating from " + from.name() + "; copied again"));
        }
        Optional<SeekableByteChannel> source = on(from, "opening " + item, () -> from.fragments().open(tessera, index));
        if (source.isEmpty()) {
            if (on(from, "listing its lost fragments", () -> from.fragments().lostFragments()).contains(id)) {
                kept.put(item, "lost in " + from.name() + " (its file is gone); repair restores it from the holders");
            }
            return;
        }
        try (InputStream in = Channels.newInputStream(source.get())) {
            on(to, "storing " + item, () -> to.fragments().store(id, in, held.originPeer()));
        } catch (FragmentIntegrityException e) {
            FragmentCheck atSource = on(from, "verifying " + item, () -> from.fragments().verify(tessera, index));
            if (atSource == FragmentCheck.GOOD) {
                throw new IOException("storage backend " + to.name() + " refused " + item + ", which verifies in "
                        + from.name() + ": " + e.getMessage() + "; nothing was removed", e);
            }
            if (atSource == FragmentCheck.MISSING) {
                return;
            }
            boolean quarantined = on(from, "quarantining " + item, () -> from.fragments().quarantine(tessera, index,
                    "its bytes differ from the manifest (found while migrating to " + to.name() + ")"));
            kept.put(item, "its bytes in " + from.name() + " differ from the manifest"
                    + (quarantined ? ", so it went to " + from.name() + "'s quarantine" : "")
                    + "; repair brings it back from the holders");
            return;
        }
        FragmentCheck copied = on(to, "verifying " + item, () -> to.fragments().verify(tessera, index));
        if (copied != FragmentCheck.GOOD) {
            kept.put(item, "its copy in " + to.name() + " verified " + copied + "; it stays in " + from.name());
            return;
        }
        verifiedFragments.add(id);
        fragmentsCopied++;
        bytesCopied += held.sizeBytes();
        kept.remove(item);
    }

    private void copyBlob(ContentHash blob) throws IOException {
        if (verifiedBlobs.contains(blob)) {
            return;
        }
        String item = "blob " + blob;
        if (on(to, "finding " + item, () -> to.blobs().exists(blob))) {
            if (on(to, "verifying " + item, () -> to.blobs().verify(blob)) == FragmentCheck.GOOD) {
                verifiedBlobs.add(blob);
                blobsAlreadyThere++;
                kept.remove(item);
                return;
            }
            on(to, "quarantining its bad copy of " + item, () -> to.blobs().quarantine(blob,
                    "failed verification while migrating from " + from.name() + "; copied again"));
        }
        Optional<SeekableByteChannel> source = on(from, "opening " + item, () -> from.blobs().read(blob));
        if (source.isEmpty()) {
            return;
        }
        long size;
        ContentHash written;
        try (SeekableByteChannel channel = source.get(); InputStream in = Channels.newInputStream(channel)) {
            size = channel.size();
            written = on(to, "writing " + item, () -> to.blobs().write(in));
        }
        if (!written.equals(blob)) {
            on(to, "removing a bad copy of " + item, () -> to.blobs().delete(written));
            boolean quarantined = on(from, "quarantining " + item, () -> from.blobs().quarantine(blob,
                    "its bytes hash to " + written + " (found while migrating to " + to.name() + ")"));
            kept.put(item, "its bytes in " + from.name() + " hash to " + written
                    + (quarantined ? ", so it went to " + from.name() + "'s quarantine" : ""));
            return;
        }
        FragmentCheck copied = on(to, "verifying " + item, () -> to.blobs().verify(blob));
        if (copied != FragmentCheck.GOOD) {
            kept.put(item, "its copy in " + to.name() + " verified " + copied + "; it stays in " + from.name());
            return;
        }
        verifiedBlobs.add(blob);
        blobsCopied++;
        bytesCopied += size;
        kept.remove(item);
    }

    /** Removes from the source what verified at the target (and is there still); returns how many it removed. */
    private long removeVerified() throws IOException {
        long before = removed;
        for (ContentHash tessera : on(from, "listing its tesseras", () -> from.fragments().listTesseras())) {
            if (conflicting.contains(tessera)) {
                continue;
            }
            for (StoredFragment held : on(from, "listing the fragments of " + tessera,
                    () -> from.fragments().list(tessera))) {
                int index = held.id().index();
                if (verifiedFragments.contains(held.id())
                        && on(to, "finding fragment " + tessera + "#" + index,
                                () -> to.fragments().find(tessera, index)).isPresent()
                        && on(from, "removing fragment " + tessera + "#" + index,
                                () -> from.fragments().delete(tessera, index))) {
                    removed++;
                }
            }
            if (manifests.contains(tessera)
                    && on(to, "reading the manifest of " + tessera, () -> to.fragments().manifest(tessera)).isPresent()
                    && on(from, "forgetting " + tessera, () -> from.fragments().forget(tessera))) {
                removed++;
            }
        }
        for (ContentHash blob : on(from, "listing its blobs", () -> from.blobs().list())) {
            if (verifiedBlobs.contains(blob) && on(to, "finding blob " + blob, () -> to.blobs().exists(blob))
                    && on(from, "removing blob " + blob, () -> from.blobs().delete(blob))) {
                removed++;
            }
        }
        return removed - before;
    }

    private boolean sourceEmpty() throws IOException {
        return on(from, "listing its tesseras", () -> from.fragments().listTesseras()).isEmpty()
                && on(from, "listing its blobs", () -> from.blobs().list()).isEmpty();
    }

    /** Names what is still in the source and has no reason noted yet. */
    private void noteWhatRemains() throws IOException {
        for (ContentHash tessera : on(from, "listing its tesseras", () -> from.fragments().listTesseras())) {
            List<StoredFragment> left = on(from, "listing the fragments of " + tessera,
                    () -> from.fragments().list(tessera));
            for (StoredFragment held : left) {
                kept.putIfAbsent("fragment " + tessera + "#" + held.id().index(),
                        "still in " + from.name() + " after the last round; run the migration again");
            }
            if (left.isEmpty() && !conflicting.contains(tessera)) {
                kept.putIfAbsent("tessera " + tessera, "its manifest stays in " + from.name()
                        + ", which still marks fragments of it lost; repair restores them at " + to.name());
            }
        }
        for (ContentHash blob : on(from, "listing its blobs", () -> from.blobs().list())) {
            kept.putIfAbsent("blob " + blob, "still in " + from.name() + " after the last round");
        }
    }

    /** A call on a backend whose every failure, a checked or a runtime one, is an IOException naming it. */
    private static <T> T on(StorageBackend backend, String what, StoreCall<T> call) throws IOException {
        try {
            return call.run();
        } catch (FragmentIntegrityException | ManifestConflictException e) {
            throw e;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IOException("storage backend " + backend.name() + " (" + backend.location() + ") failed "
                    + what + ": " + e.getMessage() + "; nothing was removed, run the migration again to resume", e);
        }
    }

    private static void sleep(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("migration interrupted; run it again to resume", e);
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws IOException;
    }
}
