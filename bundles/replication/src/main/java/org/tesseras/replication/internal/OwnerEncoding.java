package org.tesseras.replication.internal;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * The owner's own fragments: a tessera kept whole in the blob store is encoded here into a full local set
 * under a manifest this node signs. The owner never adopts a plan or fragment it did not make: a manifest
 * some peer pushed first for the same hash is replaced, and fragments it does not name are quarantined.
 */
final class OwnerEncoding {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerEncoding.class);

    private final Ports ports;

    OwnerEncoding(Ports ports) {
        this.ports = ports;
    }

    /**
     * Makes sure this node holds every fragment of the tessera in its blob store under its own manifest, and
     * returns that manifest. {@code blobJustHashed} says the blob was hashed against its name moments ago (a
     * put); otherwise it is verified first, so a rotted blob never becomes a signed manifest.
     */
    TesseraManifest ensureLocalSet(ContentHash hash, boolean blobJustHashed, ProgressListener progress)
            throws IOException {
        FragmentStore store = ports.fragments();
        Optional<TesseraManifest> recorded = store.manifest(hash);
        if (recorded.isPresent() && ports.owns(recorded.get())) {
            completeLocalSet(recorded.get(), progress);
            return recorded.get();
        }
        if (!blobJustHashed && ports.blobs().verify(hash) != FragmentCheck.GOOD) {
            throw new IOException("the copy of " + hash + " kept here does not hash to its name: it is not encoded;"
                    + " the repair round restores it from its fragments if they exist");
        }
        long size = ports.blobs().size(hash).orElseThrow(() -> new IOException("tessera " + hash
                + " is not kept here"));
        FragmentPlan plan = ports.tiers().plan(hash, size);
        List<Integer> all = IntStream.range(0, plan.totalShards()).boxed().toList();
        long start = System.nanoTime();
        try (SeekableByteChannel source = blob(hash);
                LocalEncoding encoding = LocalEncoding.encode(ports, plan, all, source, progress)) {
            long written = System.nanoTime();
            TesseraManifest manifest = ports.identity().signManifest(plan, ports.coder().codecId(),
                    encoding.checksums(), ports.clock().millis());
            if (recorded.isPresent()) {
                takeOver(recorded.get(), manifest);
            } else {
                store.saveManifest(manifest);
            }
            long signed = System.nanoTime();
            encoding.commit(manifest, progress);
            LOG.info("Encoded {} here: {} fragments written in {} ms, manifest signed and saved in {} ms, fragments"
                    + " committed in {} ms", hash, all.size(), (written - start) / 1_000_000,
                    (signed - written) / 1_000_000, (System.nanoTime() - signed) / 1_000_000);
            return manifest;
        }
    }

    /** Encodes from the blob the fragments of our own manifest that are not held here. */
    private void completeLocalSet(TesseraManifest manifest, ProgressListener progress) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < manifest.plan().totalShards(); index++) {
            if (ports.fragments().find(hash, index).isEmpty()) {
                missing.add(index);
            }
        }
        if (missing.isEmpty() || !ports.blobs().exists(hash)) {
            return;
        }
        try (SeekableByteChannel source = blob(hash);
                LocalEncoding encoding = LocalEncoding.encode(ports, manifest.plan(), missing, source, progress)) {
            List<Integer> wrong = encoding.mismatches(manifest);
            encoding.commit(manifest, progress);
            if (!wrong.isEmpty()) {
                LOG.warn("The copy of {} kept here does not encode to its manifest (fragments {} differ): it has"
                        + " rotted; the repair round restores it from the fragments", hash, wrong);
            }
        }
    }

    /** Our manifest replaces a peer's for a tessera we own; what it pushed and we do not name is quarantined. */
    private void takeOver(TesseraManifest theirs, TesseraManifest ours) throws IOException {
        List<StoredFragment> moved = ports.fragments().replaceManifest(ours, "node " + theirs.owner()
                + " pushed these as fragments of a tessera this node owns, but this node's own encoding differs");
        for (StoredFragment fragment : moved) {
            fragment.originPeer().ifPresent(peer -> LedgerCorrections.noLongerStoredFor(ports.ledger(), peer,
                    fragment.sizeBytes()));
        }
        LOG.warn("Tessera {} was kept here under a manifest of node {}; this node owns it and replaced that"
                + " manifest with its own ({} fragment(s) it did not name quarantined)", ours.tesseraHash(),
                theirs.owner(), moved.size());
    }

    private SeekableByteChannel blob(ContentHash hash) throws IOException {
        return ports.blobs().read(hash).orElseThrow(() -> new IOException("tessera " + hash
                + " vanished from the blob store"));
    }
}
