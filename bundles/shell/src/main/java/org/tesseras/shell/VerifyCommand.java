package org.tesseras.shell;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;

/** {@code tesseras:verify [hash]}: re-hashes held fragments against their checksums. */
@Service
@Command(scope = "tesseras", name = "verify",
        description = "Re-hashes the fragments held on this node and counts the good, corrupt and missing ones")
public class VerifyCommand implements Action {
    private static final int NAMES_SHOWN = 10;

    @Argument(index = 0, name = "hash", required = false,
            description = "Tessera hash (64 lowercase hex characters); every tessera when omitted")
    @Completion(TesseraHashCompleter.class)
    String hash;

    @Reference
    FragmentStore store;

    @Reference
    BlobStore blobs;

    @Override
    public Object execute() {
        List<ContentHash> tesseras = hash == null ? store.listTesseras() : List.of(TesseraHashes.parse(hash));
        List<FragmentId> lost = store.lostFragments();
        int good = 0;
        List<String> corrupt = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ContentHash tessera : tesseras) {
            TreeSet<Integer> indices = new TreeSet<>();
            for (StoredFragment fragment : store.list(tessera)) {
                indices.add(fragment.id().index());
            }
            for (FragmentId fragment : lost) {
                if (fragment.tesseraHash().equals(tessera)) {
                    indices.add(fragment.index());
                }
            }
            for (int index : indices) {
                String name = tessera.hex() + "/" + index;
                try {
                    FragmentCheck check = store.verify(tessera, index);
                    switch (check) {
                        case GOOD -> good++;
                        case CORRUPT -> corrupt.add(name);
                        case MISSING -> missing.add(name);
                    }
                } catch (IOException e) {
                    System.err.println("Cannot read fragment " + name + ": " + e.getMessage());
                    corrupt.add(name);
                }
            }
        }
        int total = good + corrupt.size() + missing.size();
        System.out.println("Verified " + total + " fragment(s) of " + tesseras.size() + " tessera(s): " + good
                + " good, " + corrupt.size() + " corrupt, " + missing.size() + " missing");
        List<ContentHash> kept = hash == null ? blobs.list()
                : blobs.exists(TesseraHashes.parse(hash)) ? List.of(TesseraHashes.parse(hash)) : List.of();
        List<String> rotted = new ArrayList<>();
        for (ContentHash blob : kept) {
            try {
                if (blobs.verify(blob) != FragmentCheck.GOOD) {
                    rotted.add(blob.hex());
                }
            } catch (IOException e) {
                System.err.println("Cannot read the copy of " + blob + ": " + e.getMessage());
                rotted.add(blob.hex());
            }
        }
        System.out.println("Verified " + kept.size() + " whole tessera(s) kept here: " + (kept.size() - rotted.size())
                + " good, " + rotted.size() + " corrupt");
        if (!rotted.isEmpty()) {
            System.out.println("FAILED: " + rotted.size() + " whole tessera(s) no longer hash to their name: "
                    + names(rotted) + "; run tesseras:repair to rebuild them from their fragments");
        }
        if (!corrupt.isEmpty()) {
            System.out.println("FAILED: " + corrupt.size() + " corrupt fragment(s): " + names(corrupt)
                    + "; run tesseras:repair to replace them");
        }
        if (!missing.isEmpty()) {
            System.out.println(missing.size() + " missing fragment(s): " + names(missing)
                    + "; run tesseras:repair to restore them");
        }
        return null;
    }

    private static String names(List<String> fragments) {
        if (fragments.size() <= NAMES_SHOWN) {
            return String.join(", ", fragments);
        }
        return String.join(", ", fragments.subList(0, NAMES_SHOWN)) + " and " + (fragments.size() - NAMES_SHOWN)
                + " more";
    }
}
