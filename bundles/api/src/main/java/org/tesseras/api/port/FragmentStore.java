package org.tesseras.api.port;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;

/**
 * Durable fragments with their plans. A fragment becomes visible only whole and verified: written to a
 * temporary file while hashed, synced, renamed into place and indexed in one step.
 */
@ProviderType
public interface FragmentStore {

    /**
     * Streams exactly {@code plan.shardSize()} bytes of {@code content} into the store and keeps them only
     * if their BLAKE3 equals {@code id.checksum()}; records {@code plan} if new. Storing a fragment already
     * held with the same checksum returns the held one. Throws {@link FragmentIntegrityException} on a
     * checksum or length mismatch, leaving nothing behind.
     */
    StoredFragment store(FragmentId id, FragmentPlan plan, InputStream content, Optional<NodeId> originPeer)
            throws IOException;

    /** A writer for fragment {@code index} of {@code plan} whose checksum is computed as it is written (local encoding). */
    FragmentWriter create(FragmentPlan plan, int index) throws IOException;

    /**
     * A writer for fragment {@code index} of {@code plan} whose producer computes the BLAKE3 of the bytes
     * itself as it writes them (the erasure coder does): the store does not hash them a second time and
     * records the checksum given to {@link FragmentWriter#commit(ContentHash)}.
     */
    FragmentWriter createChecksummedBySource(FragmentPlan plan, int index) throws IOException;

    /** The bytes of a held fragment, or empty. */
    Optional<SeekableByteChannel> open(ContentHash tesseraHash, int index) throws IOException;

    /** The index row of a held fragment, or empty. */
    Optional<StoredFragment> find(ContentHash tesseraHash, int index);

    /** Held fragments of one tessera, ordered by index. */
    List<StoredFragment> list(ContentHash tesseraHash);

    /** Tesseras with at least one held fragment, or a recorded plan. */
    List<ContentHash> listTesseras();

    /** The recorded plan of a tessera, or empty. */
    Optional<FragmentPlan> plan(ContentHash tesseraHash);

    /** Records {@code plan} (idempotent; a different plan for the same hash is refused). */
    void savePlan(FragmentPlan plan);

    /** Removes a fragment's file and row; false if it was not held. */
    boolean delete(ContentHash tesseraHash, int index) throws IOException;

    /** Re-hashes a held fragment against its stored checksum and records the time of the check. */
    FragmentCheck verify(ContentHash tesseraHash, int index) throws IOException;

    /** Fragments whose rows outlived their files (found at start-up or by verify), for repair. */
    List<FragmentId> lostFragments();

    /** Counts, bytes used and free disk. */
    StorageUsage usage();

    /** An open fragment being written; {@link #commit()} makes it visible, {@link #close()} alone discards it. */
    interface FragmentWriter extends java.nio.channels.WritableByteChannel {
        /**
         * Checks the length against the plan, syncs, renames into place and indexes the fragment; only for a
         * writer that hashes (from {@link FragmentStore#create}).
         */
        StoredFragment commit() throws IOException;

        /**
         * As {@link #commit()}, with the checksum the producer computed: a writer that hashes refuses it when it
         * differs from its own, one from {@link FragmentStore#createChecksummedBySource} records it.
         */
        StoredFragment commit(ContentHash checksum) throws IOException;
    }
}
