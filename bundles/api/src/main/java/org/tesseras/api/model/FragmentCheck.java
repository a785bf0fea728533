package org.tesseras.api.model;

/** The outcome of re-hashing stored bytes (a fragment against its manifest, a tessera against its name). */
public enum FragmentCheck {
    /** The bytes match the stored checksum. */
    GOOD,
    /** The file is there but its bytes or length no longer match. */
    CORRUPT,
    /** The index knows the fragment but its file is gone. */
    MISSING
}
