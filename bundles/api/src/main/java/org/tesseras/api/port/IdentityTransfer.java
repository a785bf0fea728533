package org.tesseras.api.port;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;
import org.tesseras.api.model.IdentityImportResult;

/**
 * Moves this node's identity key as text an owner can write down and type in again: the Ed25519 private key and
 * its proof-of-work nonce, with a checksum that refuses a mistyped text, and the NodeId to check it against.
 */
@ProviderType
public interface IdentityTransfer {

    /**
     * This node's identity key as text: a comment line, the key in groups of four characters, and the NodeId on a
     * line of its own. Throws {@link IOException} when the node has no readable key file (none yet, or damaged).
     */
    String exportText() throws IOException;

    /**
     * Makes the key in {@code text} (as {@link #exportText()} gave it, any case, spaces and line breaks ignored)
     * this node's identity, at once and without a restart; the key file it replaces is kept beside it. Importing
     * the node's own key again changes nothing. Throws {@link IllegalArgumentException} when the text is not a
     * valid key (saying which group looks mistyped where it can), and {@link IOException} when the node refuses
     * it: it already holds data under another identity, cannot check that, or the key lacks the proof-of-work.
     */
    IdentityImportResult importText(String text) throws IOException;
}
