package org.tesseras.replication.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.VerifyReport;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.FragmentStore;

/**
 * Re-hashes what this node keeps, on demand: every fragment held or known lost of the tesseras asked about,
 * against its manifest, and every whole tessera kept here, against its name. It reports and changes nothing but
 * the time of each fragment's last check; repair is what replaces bad bytes.
 */
final class LocalVerification {
    private static final Logger LOG = LoggerFactory.getLogger(LocalVerification.class);

    private final Ports ports;

    LocalVerification(Ports ports) {
        this.ports = ports;
    }

    VerifyReport verify(Optional<ContentHash> only) {
        FragmentStore store = ports.fragments();
        BlobStore blobs = ports.blobs();
        List<ContentHash> tesseras = only.map(List::of).orElseGet(store::listTesseras);
        List<FragmentId> lost = store.lostFragments();
        int good = 0;
        List<VerifyReport.Fragment> corrupt = new ArrayList<>();
        List<VerifyReport.Fragment> missing = new ArrayList<>();
        List<String> notes = new ArrayList<>();
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
                VerifyReport.Fragment name = new VerifyReport.Fragment(tessera, index);
                try {
                    FragmentCheck check = store.verify(tessera, index);
                    switch (check) {
                        case GOOD -> good++;
                        case CORRUPT -> corrupt.add(name);
                        case MISSING -> missing.add(name);
                    }
                } catch (IOException e) {
                    LOG.warn("Cannot read fragment {}: {}", name, Failures.rootMessage(e));
                    notes.add("cannot read fragment " + name + " (" + Failures.rootMessage(e) + "); counted corrupt");
                    corrupt.add(name);
                }
            }
        }
        List<ContentHash> whole = only.map(hash -> blobs.exists(hash) ? List.of(hash) : List.<ContentHash>of())
                .orElseGet(blobs::list);
        List<ContentHash> rotted = new ArrayList<>();
        for (ContentHash tessera : whole) {
            try {
                if (blobs.verify(tessera) != FragmentCheck.GOOD) {
                    rotted.add(tessera);
                }
            } catch (IOException e) {
                LOG.warn("Cannot read the whole copy of {}: {}", tessera, Failures.rootMessage(e));
                notes.add("cannot read the whole copy of " + tessera.hex() + " (" + Failures.rootMessage(e)
                        + "); counted rotted");
                rotted.add(tessera);
            }
        }
        VerifyReport report = new VerifyReport(tesseras.size(), good, corrupt, missing, whole.size(), rotted, notes);
        if (!report.clean()) {
            LOG.warn("Verify found {} corrupt and {} missing fragments and {} rotted whole tesseras", corrupt.size(),
                    missing.size(), rotted.size());
        }
        return report;
    }
}
