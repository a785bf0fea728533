package org.tesseras.shell;

import org.tesseras.api.model.ContentHash;

/** How commands read a tessera hash typed by the operator. */
final class TesseraHashes {
    private TesseraHashes() {
    }

    /** The hash {@code text} names; a clear error, naming the text, for anything else. */
    static ContentHash parse(String text) {
        if (!ContentHash.isValid(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a tessera hash: give its 64 lowercase hex"
                    + " characters (Tab completes the ones held here)");
        }
        return ContentHash.of(text);
    }
}
