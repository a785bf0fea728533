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
import org.tesseras.api.model.QuarantinedFile;

/** The owner's own tesseras, whole, named by their BLAKE3 hash. */
@ProviderType
public interface BlobStore {

    /**
     * Streams {@code content} into the store, hashing as it writes, and returns its hash; idempotent. When the
     * tessera is held already, the held copy is re-hashed: one that no longer hashes to its name is quarantined
     * and replaced by the bytes just written.
     */
    ContentHash write(InputStream content) throws IOException;

    /** The bytes of a held tessera, or empty. */
    Optional<SeekableByteChannel> read(ContentHash tesseraHash) throws IOException;

    /** Whether the tessera is held. */
    boolean exists(ContentHash tesseraHash);

    /** Size of a held tessera in bytes, or empty. */
    OptionalLong size(ContentHash tesseraHash);

    /** Removes a held tessera; false if it was not held. */
    boolean delete(ContentHash tesseraHash) throws IOException;

    /** Every held tessera. */
    List<ContentHash> list();

    /** Re-hashes a held tessera against its name: GOOD, CORRUPT, or MISSING when it is not held. */
    FragmentCheck verify(ContentHash tesseraHash) throws IOException;

    /**
     * Moves a held tessera's file aside into quarantine (kept, not deleted) with {@code reason}, so a good
     * copy can take its name; false if it was not held.
     */
    boolean quarantine(ContentHash tesseraHash, String reason) throws IOException;

    /** Files moved to quarantine, oldest first. */
    List<QuarantinedFile> quarantined();
}
