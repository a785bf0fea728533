package org.tesseras.replication.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.ProgressListener;

/**
 * Makes fragments present here again, each checked against the manifest before it is committed: fetched
 * whole from a holder when one has it, else rebuilt by re-encoding the tessera (our own copy if it still
 * encodes to the manifest, else one decoded from any {@code dataShards} fragments and checked by its hash).
 */
final class LocalRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRestorer.class);
    private static final long FETCH_TIMEOUT_SECONDS = 600;

    private final Ports ports;
    private final FragmentGatherer gatherer;

    LocalRestorer(Ports ports, FragmentGatherer gatherer) {
        this.ports = ports;
        this.gatherer = gatherer;
    }

    /** How fragments came back, and whether our own copy of the tessera was found rotted on the way. */
    record Restored(int fetched, int rebuilt, boolean blobRotted) {
    }

    /**
     * Restores {@code indices} of the tessera that are not held here. {@code origins} gives the peer each came
     * from, when it was held for a peer, so it keeps counting for that peer.
     */
    Restored restore(TesseraManifest manifest, List<Integer> indices, List<Holder> holders,
            java.util.Map<Integer, NodeId> origins) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        List<Integer> absent = new ArrayList<>();
        for (int index : indices) {
            if (ports.fragments().find(hash, index).isEmpty()) {
                absent.add(index);
            }
        }
        int fetched = 0;
        List<Integer> toRebuild = new ArrayList<>();
        for (int index : absent) {
            if (fetchWhole(manifest, index, holders, Optional.ofNullable(origins.get(index)))) {
                fetched++;
            } else {
                toRebuild.add(index);
            }
        }
        boolean blobRotted = false;
        if (!toRebuild.isEmpty()) {
            blobRotted = rebuild(manifest, toRebuild, holders);
        }
        return new Restored(fetched, toRebuild.size(), blobRotted);
    }

    private boolean fetchWhole(TesseraManifest manifest, int index, List<Holder> holders, Optional<NodeId> origin) {
        ContentHash hash = manifest.tesseraHash();
        NodeId self = ports.identity().nodeId();
        for (Holder holder : holders) {
            if (!holder.indices().contains(index) || holder.node().equals(self)) {
                continue;
            }
            try {
                ports.transport().fetchFragment(holder.contact(), hash, index, (id, sentPlan, in) -> {
                    if (!id.equals(manifest.fragmentId(index))) {
                        throw new FragmentIntegrityException("holder sent " + id + " with checksum " + id.checksum()
                                + ", the manifest gives " + manifest.checksum(index));
                    }
                    return ports.fragments().store(manifest.fragmentId(index), in, origin);
                }).get(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                ports.metrics().fragmentStored(manifest.plan().shardSize());
                LOG.info("Fetched fragment {}/{} back from {}", hash, index, holder.contact());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                LOG.info("Fetching {}/{} from {} failed: {}", hash, index, holder.contact(), Failures.rootMessage(e));
            }
        }
        return false;
    }

    /** Re-encodes the tessera and keeps only {@code indices}; returns whether our own copy was found rotted. */
    private boolean rebuild(TesseraManifest manifest, List<Integer> indices, List<Holder> holders) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        Optional<SeekableByteChannel> blob = ports.blobs().read(hash);
        if (blob.isPresent()) {
            List<Integer> wrong;
            try (SeekableByteChannel source = blob.get();
                    LocalEncoding encoding = LocalEncoding.encode(ports, manifest.plan(), indices, source,
                            ProgressListener.NONE)) {
                wrong = encoding.mismatches(manifest);
                for (StoredFragment stored : encoding.commit(manifest, ProgressListener.NONE)) {
                    LOG.info("Rebuilt fragment {} from the copy kept here", stored.id());
                }
            }
            if (wrong.isEmpty()) {
                return false;
            }
            LOG.warn("The copy of {} kept here does not encode to its manifest (fragments {} differ): it has rotted;"
                    + " rebuilding from the fragments instead", hash, wrong);
            List<Integer> stillMissing = indices.stream().filter(wrong::contains).toList();
            if (!stillMissing.isEmpty()) {
                rebuildFromFragments(manifest, stillMissing, holders);
            }
            return true;
        }
        rebuildFromFragments(manifest, indices, holders);
        return false;
    }

    private void rebuildFromFragments(TesseraManifest manifest, List<Integer> indices, List<Holder> holders)
            throws IOException {
        Path workDir = Files.createTempDirectory("tesseras-rebuild-");
        try {
            Path tessera = decodeVerified(manifest, holders, workDir);
            try (SeekableByteChannel source = FileChannel.open(tessera, StandardOpenOption.READ);
                    LocalEncoding encoding = LocalEncoding.encode(ports, manifest.plan(), indices, source,
                            ProgressListener.NONE)) {
                for (StoredFragment stored : encoding.commit(manifest, ProgressListener.NONE)) {
                    LOG.info("Rebuilt fragment {} from other fragments", stored.id());
                }
            }
        } finally {
            FragmentGatherer.deleteTree(workDir);
        }
    }

    /**
     * Decodes the whole tessera from any {@code dataShards} good fragments into {@code workDir} and checks it
     * against its hash; a bad local fragment met on the way is quarantined and other sources are tried.
     */
    Path decodeVerified(TesseraManifest manifest, List<Holder> holders, Path workDir) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        Path tessera = workDir.resolve("tessera");
        Set<Integer> excluded = new java.util.HashSet<>();
        while (true) {
            try (FileChannel out = FileChannel.open(tessera, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
                    FragmentGatherer.Gathered gathered = gatherer.gather(manifest, holders, excluded, workDir, out,
                            ProgressListener.NONE)) {
                LocalDamage.quarantineWrongSize(ports, hash, manifest.plan(), gathered.wrongSizeLocalFragments(),
                        "rebuilding other fragments");
                gathered.assemble(ports.coderFor(manifest));
                List<Integer> bad = gathered.badLocalFragments(manifest);
                if (!bad.isEmpty()) {
                    for (int index : bad) {
                        LocalDamage.quarantine(ports, hash, index, "its bytes no longer match the manifest (found"
                                + " while rebuilding other fragments)");
                    }
                    excluded.addAll(bad);
                    continue;
                }
            }
            ContentHash actual;
            try (InputStream in = Files.newInputStream(tessera)) {
                actual = ports.hasher().hash(in);
            }
            if (!actual.equals(hash)) {
                throw new IOException("rebuilding " + hash + " failed: the decoded tessera hashes to " + actual
                        + " although every fragment matched the manifest");
            }
            return tessera;
        }
    }

    /** Restores our own copy of the tessera from its fragments when it rotted; returns whether it did. */
    boolean restoreBlob(TesseraManifest manifest, List<Holder> holders) throws IOException {
        ContentHash hash = manifest.tesseraHash();
        if (ports.blobs().verify(hash) != FragmentCheck.CORRUPT) {
            return false;
        }
        Path workDir = Files.createTempDirectory("tesseras-blob-");
        try {
            Path tessera = decodeVerified(manifest, holders, workDir);
            ports.blobs().quarantine(hash, "it no longer hashes to its name (found by the repair round)");
            try (InputStream in = Files.newInputStream(tessera)) {
                ports.blobs().write(in);
            }
            LOG.warn("The rotted copy of {} kept here was quarantined and rebuilt from its fragments", hash);
            return true;
        } finally {
            FragmentGatherer.deleteTree(workDir);
        }
    }
}
