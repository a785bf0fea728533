package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.ManifestConflictException;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Fragments as objects {@code {prefix}fragments/{tesseraHash}/{index:03}.shard} beside the tessera's sealed
 * manifest object. The bucket is the truth; the index is held in memory, built from a listing of the bucket at
 * activation and by {@link #reindex}, so reads never list. A fragment is visible only once its upload completed
 * after its checksum was checked against the manifest; what no manifest explains is quarantined, never deleted.
 * The time of the last check and lost fragments are known only since activation.
 */
final class S3FragmentStore implements FragmentStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3FragmentStore.class);
    private static final int LOCK_STRIPES = 64;

    private final S3Objects objects;
    private final Hasher hasher;
    private final long capacityBytes;
    private final S3Quarantine quarantine;
    private final Object[] locks = new Object[LOCK_STRIPES];
    final Map<ContentHash, TesseraManifest> manifests = new ConcurrentHashMap<>();
    final Map<ContentHash, NavigableMap<Integer, StoredFragment>> held = new ConcurrentHashMap<>();
    final Map<String, FragmentId> lost = new ConcurrentHashMap<>();
    private final ReindexReport startupReport;

    /** Opens the store on {@code objects} and indexes what the bucket holds. */
    S3FragmentStore(S3Objects objects, Hasher hasher, long capacityBytes) throws IOException {
        this.objects = objects;
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.capacityBytes = capacityBytes;
        this.quarantine = new S3Quarantine(objects, "fragment");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.startupReport = reindex();
    }

    ReindexReport startupReport() {
        return startupReport;
    }

    S3Objects objects() {
        return objects;
    }

    // ---- manifests ----

    @Override
    public void saveManifest(TesseraManifest manifest) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        synchronized (lock(hash)) {
            TesseraManifest recorded = manifests.get(hash);
            if (recorded != null) {
                if (!recorded.sameFragmentsAs(manifest)) {
                    throw new ManifestConflictException(recorded, manifest);
                }
                return;
            }
            byte[] sealed = S3Layout.seal(manifest, hasher);
            objects.put(objects.key(S3Layout.manifest(hash)), sealed, sealed.length, Map.of());
            manifests.put(hash, manifest);
            LOG.debug("Recorded the manifest of {} (owner {})", hash, manifest.owner());
        }
    }

    @Override
    public List<StoredFragment> replaceManifest(TesseraManifest manifest, String reason) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        synchronized (lock(hash)) {
            List<StoredFragment> moved = new ArrayList<>();
            for (StoredFragment fragment : list(hash)) {
                if (!fits(fragment, manifest)) {
                    quarantineLocked(hash, fragment.id().index(), reason);
                    moved.add(fragment);
                }
            }
            byte[] sealed = S3Layout.seal(manifest, hasher);
            objects.put(objects.key(S3Layout.manifest(hash)), sealed, sealed.length, Map.of());
            manifests.put(hash, manifest);
            LOG.info("The manifest of {} is now {}'s ({} fragment(s) quarantined)", hash, manifest.owner().shortHex(),
                    moved.size());
            return moved;
        }
    }

    @Override
    public boolean forget(ContentHash tesseraHash) throws IOException {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        synchronized (lock(tesseraHash)) {
            if (!list(tesseraHash).isEmpty() || !manifests.containsKey(tesseraHash)) {
                return false;
            }
            lost.values().removeIf(id -> id.tesseraHash().equals(tesseraHash));
            objects.delete(objects.key(S3Layout.manifest(tesseraHash)));
            manifests.remove(tesseraHash);
            held.remove(tesseraHash);
            LOG.info("Forgot tessera {}: no fragment of it is held here", tesseraHash);
            return true;
        }
    }

    @Override
    public Optional<TesseraManifest> manifest(ContentHash tesseraHash) {
        return Optional.ofNullable(manifests.get(Objects.requireNonNull(tesseraHash, "tessera hash")));
    }

    // ---- fragments ----

    @Override
    public StoredFragment store(FragmentId id, InputStream content, Optional<NodeId> originPeer) throws IOException {
        Objects.requireNonNull(id, "fragment id");
        Objects.requireNonNull(content, "content of " + id);
        Objects.requireNonNull(originPeer, "origin peer of " + id);
        TesseraManifest manifest = manifest(id.tesseraHash()).orElseThrow(() -> new IllegalStateException(
                "no manifest is recorded for " + id.tesseraHash() + ": record it before its fragments"));
        if (!id.belongsTo(manifest.plan())) {
            throw new IllegalArgumentException("fragment " + id + " (" + id.totalShards()
                    + " shards) does not belong to the plan of " + id.tesseraHash() + " ("
                    + manifest.plan().totalShards() + " shards)");
        }
        if (!id.checksum().equals(manifest.checksum(id.index()))) {
            throw new FragmentIntegrityException("fragment " + id + " is announced with checksum " + id.checksum()
                    + " but the manifest gives " + manifest.checksum(id.index()));
        }
        try (S3FragmentWriter writer = new S3FragmentWriter(this, objects, manifest.plan(), id.index(), hasher, true,
                originPeer)) {
            writer.writeAll(content);
            return writer.commit(Optional.of(id.checksum()));
        }
    }

    @Override
    public FragmentWriter create(FragmentPlan plan, int index) {
        return new S3FragmentWriter(this, objects, Objects.requireNonNull(plan, "plan"), index, hasher, true,
                Optional.empty());
    }

    @Override
    public FragmentWriter createChecksummedBySource(FragmentPlan plan, int index) {
        return new S3FragmentWriter(this, objects, Objects.requireNonNull(plan, "plan"), index, hasher, false,
                Optional.empty());
    }

    /** Checks a written fragment against the manifest, completes its upload and indexes it. */
    StoredFragment install(FragmentPlan plan, int at, ContentHash checksum, S3FragmentWriter writer,
            Optional<NodeId> originPeer) throws IOException {
        ContentHash hash = plan.tesseraHash();
        FragmentId id = new FragmentId(hash, at, plan.totalShards(), checksum);
        synchronized (lock(hash)) {
            TesseraManifest manifest = manifest(hash).orElseThrow(() -> new IllegalStateException(
                    "no manifest is recorded for " + hash + ": fragment " + at + " cannot be committed"));
            if (!manifest.plan().equals(plan)) {
                throw new IllegalArgumentException("tessera " + hash + " already has a different plan: recorded "
                        + manifest.plan() + ", offered " + plan);
            }
            if (!manifest.checksum(at).equals(checksum)) {
                throw new FragmentIntegrityException("fragment " + id + " has checksum " + checksum
                        + " but the manifest gives " + manifest.checksum(at) + "; it is not kept");
            }
            Optional<StoredFragment> existing = find(hash, at);
            if (existing.isPresent()) {
                if (heldIntact(hash, at, existing.get())) {
                    LOG.debug("Fragment {} already held", id);
                    return existing.get();
                }
                // the copy held here rotted or vanished since it was checked; the bytes just written are checked
                quarantineLocked(hash, at, "it no longer hashes to its checksum " + checksum + "; replaced by a"
                        + " checked copy of fragment " + at + " stored again");
            }
        }
        // the upload completes outside the lock: other fragments of the tessera go on meanwhile
        writer.completeUpload();
        StoredFragment stored = new StoredFragment(id, plan.isParity(at), plan.shardSize(), Instant.now(),
                Optional.empty(), originPeer);
        synchronized (lock(hash)) {
            StoredFragment raced = fragmentsOf(hash).putIfAbsent(at, stored);
            lost.remove(key(hash, at));
            LOG.debug("Stored fragment {}", id);
            return raced != null ? raced : stored;
        }
    }

    /**
     * Whether the object of a fragment held here still has its length and checksum (a second copy is offered). One
     * that cannot be read now is taken as intact (as before this check existed): a failed request says nothing
     * about its bytes, and verify and repair look again.
     */
    private boolean heldIntact(ContentHash tesseraHash, int at, StoredFragment held) {
        try {
            return checkObject(tesseraHash, at, held.sizeBytes(), held.id().checksum()) == FragmentCheck.GOOD;
        } catch (IOException e) {
            LOG.warn("Cannot read the held copy of {}/{} to check it ({}); it is kept as it is", tesseraHash, at,
                    e.toString());
            return true;
        }
    }

    /** Reads a fragment's object whole: GOOD when it has {@code size} bytes hashing to {@code checksum}. */
    private FragmentCheck checkObject(ContentHash tesseraHash, int at, long size, ContentHash checksum)
            throws IOException {
        Optional<? extends InputStream> content = objects.get(objects.key(S3Layout.shard(tesseraHash, at)), 0);
        if (content.isEmpty()) {
            return FragmentCheck.MISSING;
        }
        try (InputStream in = content.get()) {
            Hasher.Hashed hashed = hashWhole(in);
            return hashed.length() == size && hashed.checksum().equals(checksum) ? FragmentCheck.GOOD
                    : FragmentCheck.CORRUPT;
        }
    }

    @Override
    public Optional<SeekableByteChannel> open(ContentHash tesseraHash, int at) throws IOException {
        Optional<StoredFragment> row = find(tesseraHash, at);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        String key = objects.key(S3Layout.shard(tesseraHash, at));
        Optional<ResponseInputStream<GetObjectResponse>> first = objects.get(key, 0);
        if (first.isEmpty()) {
            markLostIfStillGone(row.get(), key);
            return Optional.empty();
        }
        // the object's own length, as the blob store's: a short object reads as short, not as the row recorded
        return Optional.of(new ObjectChannel(objects, key, S3Objects.length(first.get(), key), first.get()));
    }

    /** The object's own length, from a HEAD request: no GET begun and aborted. */
    @Override
    public OptionalLong sizeHeld(ContentHash tesseraHash, int at) throws IOException {
        Optional<StoredFragment> row = find(tesseraHash, at);
        if (row.isEmpty()) {
            return OptionalLong.empty();
        }
        String key = objects.key(S3Layout.shard(tesseraHash, at));
        Optional<HeadObjectResponse> head = objects.head(key);
        if (head.isEmpty()) {
            markLostIfStillGone(row.get(), key);
            return OptionalLong.empty();
        }
        return OptionalLong.of(S3Objects.length(head.get().contentLength(), key));
    }

    @Override
    public Optional<StoredFragment> find(ContentHash tesseraHash, int at) {
        S3Layout.checkIndex(tesseraHash, at);
        NavigableMap<Integer, StoredFragment> fragments = held.get(tesseraHash);
        return fragments == null ? Optional.empty() : Optional.ofNullable(fragments.get(at));
    }

    @Override
    public List<StoredFragment> list(ContentHash tesseraHash) {
        NavigableMap<Integer, StoredFragment> fragments = held.get(Objects.requireNonNull(tesseraHash, "hash"));
        return fragments == null ? List.of() : List.copyOf(fragments.values());
    }

    @Override
    public List<ContentHash> listTesseras() {
        return manifests.keySet().stream().sorted().toList();
    }

    @Override
    public boolean delete(ContentHash tesseraHash, int at) throws IOException {
        String key = objects.key(S3Layout.shard(tesseraHash, at));
        synchronized (lock(tesseraHash)) {
            boolean existed = find(tesseraHash, at).isPresent() || lost.containsKey(key(tesseraHash, at))
                    || objects.head(key).isPresent();
            objects.delete(key);
            fragmentsOf(tesseraHash).remove(at);
            lost.remove(key(tesseraHash, at));
            if (existed) {
                LOG.info("Deleted fragment {}/{}", tesseraHash, at);
            }
            return existed;
        }
    }

    @Override
    public boolean quarantine(ContentHash tesseraHash, int at, String reason) throws IOException {
        S3Layout.checkIndex(tesseraHash, at);
        synchronized (lock(tesseraHash)) {
            return quarantineLocked(tesseraHash, at, reason);
        }
    }

    private boolean quarantineLocked(ContentHash tesseraHash, int at, String reason) throws IOException {
        String key = objects.key(S3Layout.shard(tesseraHash, at));
        boolean hadObject = objects.head(key).isPresent();
        if (hadObject) {
            quarantine.move(key, tesseraHash.hex() + "-" + String.format("%03d.shard", at), reason);
        }
        boolean hadRow = fragmentsOf(tesseraHash).remove(at) != null | lost.remove(key(tesseraHash, at)) != null;
        return hadObject || hadRow;
    }

    /** Moves an object the manifests cannot explain to quarantine (for the reconciler). */
    void quarantineObject(String key, String what, String reason) throws IOException {
        quarantine.move(key, what, reason);
    }

    @Override
    public List<QuarantinedFile> quarantined() {
        return quarantine.list();
    }

    @Override
    public FragmentCheck verify(ContentHash tesseraHash, int at) throws IOException {
        S3Layout.checkIndex(tesseraHash, at);
        Optional<StoredFragment> row = find(tesseraHash, at);
        FragmentId lostId = lost.get(key(tesseraHash, at));
        if (row.isEmpty() && lostId == null) {
            return FragmentCheck.MISSING;
        }
        FragmentId id = row.map(StoredFragment::id).orElse(lostId);
        long expectedSize = row.map(StoredFragment::sizeBytes)
                .orElseGet(() -> manifest(tesseraHash).map(m -> m.plan().shardSize()).orElse(-1L));
        FragmentCheck check = checkObject(tesseraHash, at, expectedSize, id.checksum());
        if (check == FragmentCheck.MISSING) {
            markLost(id);
            LOG.warn("Fragment {}/{} is MISSING", tesseraHash, at);
            return FragmentCheck.MISSING;
        }
        Instant now = Instant.now();
        synchronized (lock(tesseraHash)) {
            StoredFragment current = row.orElseGet(() -> new StoredFragment(id, manifest(tesseraHash)
                    .map(m -> m.plan().isParity(at)).orElse(false), expectedSize, now, Optional.empty(),
                    Optional.empty()));
            fragmentsOf(tesseraHash).put(at, new StoredFragment(current.id(), current.parity(), current.sizeBytes(),
                    current.storedAt(), Optional.of(now), current.originPeer()));
            if (lostId != null) {
                lost.remove(key(tesseraHash, at));
                LOG.info("Lost fragment {}/{} is back", tesseraHash, at);
            }
        }
        if (check != FragmentCheck.GOOD) {
            LOG.warn("Fragment {}/{} is {}", tesseraHash, at, check);
        }
        return check;
    }

    private Hasher.Hashed hashWhole(InputStream in) throws IOException {
        Hasher.IncrementalHash hash = hasher.newHash();
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        for (int n = S3Objects.read(in, buffer, 0, buffer.length); n >= 0;
                n = S3Objects.read(in, buffer, 0, buffer.length)) {
            hash.update(buffer, 0, n);
            length += n;
        }
        return new Hasher.Hashed(hash.finish(), length);
    }

    @Override
    public List<FragmentId> lostFragments() {
        return lost.values().stream().sorted(Comparator.comparing(FragmentId::tesseraHash)
                .thenComparingInt(FragmentId::index)).toList();
    }

    @Override
    public ReindexReport reindex() throws IOException {
        ReindexReport report = new S3Reconciler(this, objects, hasher).run();
        LOG.info("Indexed bucket {} ({}): {} tessera(s), {} manifest(s), {} fragment(s) indexed already, {} indexed"
                + " now, {} quarantined, {} marked lost", objects.bucket(), objects.key(""),
                report.tesseraDirectories(), report.manifests(), report.alreadyIndexed(), report.indexed(),
                report.quarantined(), report.markedLost());
        return report;
    }

    @Override
    public StorageUsage usage() {
        long count = 0;
        long bytes = 0;
        for (NavigableMap<Integer, StoredFragment> fragments : held.values()) {
            for (StoredFragment fragment : fragments.values()) {
                count++;
                bytes += fragment.sizeBytes();
            }
        }
        long free = capacityBytes == 0 ? Long.MAX_VALUE : Math.max(0, capacityBytes - bytes);
        return new StorageUsage(count, bytes, free);
    }

    // ---- helpers ----

    /**
     * Marks a fragment whose object was not found lost, if under its tessera's lock its row is still the one read
     * and its object still absent: storing it again (which quarantines the old object and uploads the new one
     * outside the lock) or a quarantine may have run since, and a good new copy must not be taken for lost. True
     * when it was marked lost.
     */
    boolean markLostIfStillGone(StoredFragment row, String key) throws IOException {
        ContentHash hash = row.id().tesseraHash();
        synchronized (lock(hash)) {
            if (row.equals(fragmentsOf(hash).get(row.id().index())) && objects.head(key).isEmpty()) {
                markLost(row.id());
                return true;
            }
            return false;
        }
    }

    /** Marks an indexed fragment lost: its object is gone. */
    void markLost(FragmentId id) {
        synchronized (lock(id.tesseraHash())) {
            if (fragmentsOf(id.tesseraHash()).remove(id.index()) != null) {
                LOG.warn("Fragment {}/{} is lost: its object is gone", id.tesseraHash(), id.index());
            }
            lost.put(key(id.tesseraHash(), id.index()), id);
        }
    }

    NavigableMap<Integer, StoredFragment> fragmentsOf(ContentHash tesseraHash) {
        return held.computeIfAbsent(tesseraHash, h -> new ConcurrentSkipListMap<>());
    }

    Object lock(ContentHash tesseraHash) {
        return locks[Math.floorMod(tesseraHash.hashCode(), LOCK_STRIPES)];
    }

    static String key(ContentHash tesseraHash, int index) {
        return tesseraHash.hex() + "/" + index;
    }

    /** Whether {@code manifest} explains a held fragment: same stripe, size and checksum for its index. */
    static boolean fits(StoredFragment fragment, TesseraManifest manifest) {
        return fragment.id().totalShards() == manifest.plan().totalShards()
                && fragment.sizeBytes() == manifest.plan().shardSize()
                && fragment.id().checksum().equals(manifest.checksum(fragment.id().index()));
    }
}
