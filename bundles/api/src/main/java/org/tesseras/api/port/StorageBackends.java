package org.tesseras.api.port;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.BackendStatus;
import org.tesseras.api.model.MigrationReport;

/** The node's storage backends, and moving everything from one to another while the node serves. */
@ProviderType
public interface StorageBackends {

    /** Every backend present, the active one first. */
    List<BackendStatus> backends();

    /**
     * Copies every manifest, fragment and blob of backend {@code from} to backend {@code to}, verifying each at
     * the target, while puts, gets and attestations go on; then makes {@code to} the active backend and removes
     * from {@code from} each item only once it verified at {@code to}. A migration interrupted (a crash, a
     * backend gone) is resumed by running it again, and by the node at start. Fails with a message naming what
     * is missing when a backend is not there; removes nothing it could not verify.
     */
    MigrationReport migrate(String from, String to, ProgressListener progress) throws IOException;
}
