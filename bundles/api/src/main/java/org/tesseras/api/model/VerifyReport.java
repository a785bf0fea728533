package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/**
 * What re-hashing the bytes held on this node found: how many tesseras were looked at, the fragments that hash
 * to their manifest checksum, the corrupt and missing ones by name, the whole tesseras kept here and those that
 * no longer hash to their name (rotted), and notes on bytes that could not be read at all (counted corrupt).
 */
public record VerifyReport(int tesseras, int goodFragments, List<Fragment> corruptFragments,
        List<Fragment> missingFragments, int wholeTesseras, List<ContentHash> rottedTesseras, List<String> notes) {
    public VerifyReport {
        if (tesseras < 0 || goodFragments < 0 || wholeTesseras < 0) {
            throw new IllegalArgumentException("verify counts must be >= 0, got " + tesseras + " tesseras, "
                    + goodFragments + " good fragments, " + wholeTesseras + " whole tesseras");
        }
        corruptFragments = List.copyOf(corruptFragments);
        missingFragments = List.copyOf(missingFragments);
        rottedTesseras = List.copyOf(rottedTesseras);
        notes = List.copyOf(notes);
        if (rottedTesseras.size() > wholeTesseras) {
            throw new IllegalArgumentException(rottedTesseras.size() + " rotted of only " + wholeTesseras
                    + " whole tesseras verified");
        }
    }

    /** One fragment of a tessera, named {@code <tessera hash>/<index>}. */
    public record Fragment(ContentHash tesseraHash, int index) {
        public Fragment {
            Objects.requireNonNull(tesseraHash, "tessera hash");
            if (index < 0) {
                throw new IllegalArgumentException("fragment index must be >= 0, got " + index + " of " + tesseraHash);
            }
        }

        @Override
        public String toString() {
            return tesseraHash.hex() + "/" + index;
        }
    }

    /** Every fragment re-hashed: good, corrupt and missing. */
    public int fragments() {
        return goodFragments + corruptFragments.size() + missingFragments.size();
    }

    /** The whole tesseras kept here that still hash to their name. */
    public int goodWholeTesseras() {
        return wholeTesseras - rottedTesseras.size();
    }

    /** Whether nothing was found corrupt, missing or rotted. */
    public boolean clean() {
        return corruptFragments.isEmpty() && missingFragments.isEmpty() && rottedTesseras.isEmpty();
    }
}
