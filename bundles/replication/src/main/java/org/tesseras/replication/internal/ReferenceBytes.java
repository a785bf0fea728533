package org.tesseras.replication.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.Holder;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Failures;

/**
 * The bytes a health check proves holders against, each one known to match the manifest: the local copy
 * (hashed again as its proof is computed), else a copy fetched from any holder and checked on arrival, else
 * one rebuilt from any {@code dataShards} good fragments. An index none of these yields has no reference: a
 * claim on it cannot be proven, so it is never counted as verified.
 */
final class ReferenceBytes implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceBytes.class);
    private static final long FETCH_TIMEOUT_SECONDS = 600;

    private final Ports ports;
    private final LocalRestorer restorer;
    private final TesseraManifest manifest;
    private final Set<Integer> localGood;
    private final Map<Integer, Path> elsewhere = new HashMap<>();
    private Path workDir;

    ReferenceBytes(Ports ports, LocalRestorer restorer, TesseraManifest manifest, Set<Integer> localGood) {
        this.ports = ports;
        this.restorer = restorer;
        this.manifest = manifest;
        this.localGood = Set.copyOf(localGood);
    }

    /** Gets reference copies of {@code indices} that have no good local copy, from {@code holders} or by rebuilding. */
    void prepare(Collection<Integer> indices, List<Holder> holders) throws IOException {
        Set<Integer> wanted = new TreeSet<>(indices);
        wanted.removeAll(localGood);
        if (wanted.isEmpty()) {
            return;
        }
        workDir = Files.createTempDirectory("tesseras-check-");
        List<Integer> toRebuild = new ArrayList<>();
        for (int index : wanted) {
            fetch(index, holders).ifPresentOrElse(file -> elsewhere.put(index, file), () -> toRebuild.add(index));
        }
        if (!toRebuild.isEmpty()) {
            rebuild(toRebuild, holders);
        }
    }

    /** The keyed proof fragment {@code index} must give for {@code nonce}, or empty when it has no reference. */
    Optional<ContentHash> expectedProof(int index, byte[] nonce) throws IOException {
        Optional<FragmentProofs.Proof> proof = Optional.empty();
        if (localGood.contains(index)) {
            proof = FragmentProofs.prove(ports.hasher(), ports.fragments(), manifest.tesseraHash(), index, nonce);
        } else if (elsewhere.containsKey(index)) {
            try (SeekableByteChannel in = FileChannel.open(elsewhere.get(index), StandardOpenOption.READ)) {
                proof = Optional.of(FragmentProofs.prove(ports.hasher(), in, nonce));
            }
        }
        return proof.filter(p -> p.matches(manifest, index)).map(FragmentProofs.Proof::keyed);
    }

    private Optional<Path> fetch(int index, List<Holder> holders) {
        Path file = workDir.resolve(String.format("%03d.shard", index));
        for (Holder holder : holders) {
            if (!holder.indices().contains(index) || holder.node().equals(ports.identity().nodeId())) {
                continue;
            }
            try {
                return Optional.of(ports.transport().fetchFragment(holder.contact(), manifest.tesseraHash(), index,
                        (id, plan, in) -> FragmentGatherer.fetchVerified(ports.hasher(), manifest, index, id, in, file))
                        .get(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("No reference copy of {}/{} from {}: {}", manifest.tesseraHash(), index, holder.contact(),
                        Failures.rootMessage(e));
            }
        }
        return Optional.empty();
    }

    /** Rebuilds the tessera from its fragments and cuts the wanted fragments from it into the work directory. */
    private void rebuild(List<Integer> indices, List<Holder> holders) {
        Path decoded = workDir.resolve("decoded");
        try {
            Files.createDirectories(decoded);
            Path tessera = restorer.decodeVerified(manifest, holders, decoded);
            List<WritableByteChannel> sinks = new ArrayList<>();
            Map<Integer, Path> files = new HashMap<>();
            try (SeekableByteChannel source = FileChannel.open(tessera, StandardOpenOption.READ)) {
                for (int index = 0; index < manifest.plan().totalShards(); index++) {
                    if (indices.contains(index)) {
                        Path file = workDir.resolve(String.format("%03d.rebuilt", index));
                        files.put(index, file);
                        sinks.add(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                    } else {
                        sinks.add(new HashingChannels.Discarding());
                    }
                }
                List<ContentHash> checksums = ports.coderFor(manifest).encode(manifest.plan(), source, sinks);
                for (Map.Entry<Integer, Path> file : files.entrySet()) {
                    if (checksums.get(file.getKey()).equals(manifest.checksum(file.getKey()))) {
                        elsewhere.put(file.getKey(), file.getValue());
                    }
                }
            } finally {
                for (WritableByteChannel sink : sinks) {
                    sink.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("No reference copy of fragments {} of {} could be rebuilt: {}; claims on them stay unproven",
                    indices, manifest.tesseraHash(), e.toString());
        }
    }

    @Override
    public void close() {
        if (workDir != null) {
            FragmentGatherer.deleteTree(workDir.resolve("decoded"));
            FragmentGatherer.deleteTree(workDir);
        }
    }
}
