package org.tesseras.api.port;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.osgi.annotation.versioning.ProviderType;
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

/**
 * Durable fragments with the signed manifests that explain them. The files are the truth and the index
 * only mirrors them: every fragment is kept beside its tessera's manifest, a fragment becomes visible only
 * whole and verified against that manifest (written to a temporary file while hashed, synced, renamed into
 * place and indexed in one step), and what the manifests cannot explain is quarantined, never deleted.
 */
@ProviderType
public interface FragmentStore {

    /**
     * Records {@code manifest} for its tessera (beside the shards and in the index); idempotent. A tessera
     * keeps one manifest: a different one is refused with {@link ManifestConflictException} unless it
     * describes the very same fragments ({@link TesseraManifest#sameFragmentsAs}), which is then a no-op.
     */
    void saveManifest(TesseraManifest manifest) throws IOException;

    /**
     * Makes {@code manifest} the tessera's manifest whatever was recorded before (the owner's own manifest
     * over one a peer pushed first): held fragments whose checksum differs from it are moved to quarantine
     * with {@code reason}. Returns the fragments quarantined.
     */
    List<StoredFragment> replaceManifest(TesseraManifest manifest, String reason) throws IOException;

    /**
     * Removes a tessera's manifest, and the marks of its lost fragments, once no fragment of it is held here;
     * false when fragments remain or no manifest is recorded. Used when a tessera's fragments have all moved to
     * another backend.
     */
    boolean forget(ContentHash tesseraHash) throws IOException;

    /** The recorded manifest of a tessera, or empty. */
    Optional<TesseraManifest> manifest(ContentHash tesseraHash);

    /**
     * Streams exactly {@code shardSize} bytes of {@code content} into the store and keeps them only if their
     * BLAKE3 equals {@code id.checksum()}, which must be the recorded manifest's checksum for that index.
     * Storing a fragment already held returns the held one once it is re-hashed; a held copy that no longer
     * has its checksum is quarantined and replaced by the bytes just stored. Throws
     * {@link FragmentIntegrityException} on a checksum or length mismatch and {@link IllegalStateException} when
     * no manifest is recorded, leaving nothing behind.
     */
    StoredFragment store(FragmentId id, InputStream content, Optional<NodeId> originPeer) throws IOException;

    /**
     * A writer for fragment {@code index} of {@code plan} whose checksum is computed as it is written; its
     * commit checks it against the manifest recorded by then.
     */
    FragmentWriter create(FragmentPlan plan, int index) throws IOException;

    /**
     * A writer for fragment {@code index} of {@code plan} whose producer computes the BLAKE3 of the bytes
     * itself as it writes them (the erasure coder does): the store does not hash them a second time. Its
     * {@link FragmentWriter#commit(ContentHash)} needs the manifest recorded by then and refuses a checksum
     * that differs from it, so a rebuild never commits bytes the manifest does not name.
     */
    FragmentWriter createChecksummedBySource(FragmentPlan plan, int index) throws IOException;

    /** The bytes of a held fragment, or empty. The caller checks them against the manifest as it reads. */
    Optional<SeekableByteChannel> open(ContentHash tesseraHash, int index) throws IOException;

    /**
     * How many bytes the medium keeps for a held fragment now (its file's or object's own length, not the one its
     * row recorded), or empty when it is not held; a fragment whose bytes are gone is marked lost, as by
     * {@link #open}. Asks the medium without reading the bytes where it can.
     */
    default OptionalLong sizeHeld(ContentHash tesseraHash, int index) throws IOException {
        Optional<SeekableByteChannel> channel = open(tesseraHash, index);
        if (channel.isEmpty()) {
            return OptionalLong.empty();
        }
        try (SeekableByteChannel bytes = channel.get()) {
            return OptionalLong.of(bytes.size());
        }
    }

    /** The index row of a held fragment, or empty. */
    Optional<StoredFragment> find(ContentHash tesseraHash, int index);

    /** Held fragments of one tessera, ordered by index. */
    List<StoredFragment> list(ContentHash tesseraHash);

    /** Tesseras with a recorded manifest. */
    List<ContentHash> listTesseras();

    /** The plan of a tessera, from its recorded manifest, or empty. */
    default Optional<FragmentPlan> plan(ContentHash tesseraHash) {
        return manifest(tesseraHash).map(TesseraManifest::plan);
    }

    /** Removes a fragment's file and row; false if it was not held. */
    boolean delete(ContentHash tesseraHash, int index) throws IOException;

    /**
     * Moves a held fragment's file out of the store into quarantine (kept, not deleted) and drops its row;
     * {@code reason} is kept with it. False if it was not held.
     */
    boolean quarantine(ContentHash tesseraHash, int index, String reason) throws IOException;

    /** Files moved to quarantine, oldest first. */
    List<QuarantinedFile> quarantined();

    /** Re-hashes a held fragment against its manifest checksum and records the time of the check. */
    FragmentCheck verify(ContentHash tesseraHash, int index) throws IOException;

    /** Fragments whose rows outlived their files (found at start-up or by verify), for repair. */
    List<FragmentId> lostFragments();

    /**
     * Rebuilds the index from the disk: every shard file that its tessera's manifest explains (right index,
     * length and checksum) is indexed, every other one is quarantined; nothing is deleted.
     */
    ReindexReport reindex() throws IOException;

    /** Counts, bytes used and free disk. */
    StorageUsage usage();

    /** An open fragment being written; {@link #commit()} makes it visible, {@link #close()} alone discards it. */
    interface FragmentWriter extends java.nio.channels.WritableByteChannel {
        /**
         * Checks the length against the plan and the checksum against the recorded manifest, syncs, renames
         * into place and indexes the fragment; only for a writer that hashes (from {@link FragmentStore#create}).
         */
        StoredFragment commit() throws IOException;

        /**
         * As {@link #commit()}, with the checksum the producer computed: a writer that hashes refuses it when it
         * differs from its own, one from {@link FragmentStore#createChecksummedBySource} takes it; both refuse
         * a checksum the recorded manifest does not give this index.
         */
        StoredFragment commit(ContentHash checksum) throws IOException;
    }
}
