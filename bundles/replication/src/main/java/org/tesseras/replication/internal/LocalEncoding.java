package org.tesseras.replication.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * The fragments of a tessera encoded from its whole bytes into the local store's temporary files: the coder
 * computes every fragment's checksum on the way, nothing is visible until committed, and each commit is
 * checked by the store against the recorded manifest. Closing discards what was not committed.
 */
final class LocalEncoding implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEncoding.class);

    private final FragmentPlan plan;
    private final List<ContentHash> checksums;
    private final Map<Integer, FragmentStore.FragmentWriter> writers;
    private final NodeMetrics metrics;

    private LocalEncoding(FragmentPlan plan, List<ContentHash> checksums,
            Map<Integer, FragmentStore.FragmentWriter> writers, NodeMetrics metrics) {
        this.plan = plan;
        this.checksums = checksums;
        this.writers = writers;
        this.metrics = metrics;
    }

    /**
     * Encodes the tessera read from {@code source} by {@code plan}, keeping fragments {@code indices} in
     * temporary files (the others are computed for their checksums and dropped).
     */
    static LocalEncoding encode(Ports ports, FragmentPlan plan, Collection<Integer> indices,
            SeekableByteChannel source, ProgressListener progress) throws IOException {
        FragmentStore store = ports.fragments();
        List<WritableByteChannel> sinks = new ArrayList<>();
        Map<Integer, FragmentStore.FragmentWriter> writers = new LinkedHashMap<>();
        progress.onProgress("encoding", 0, indices.size());
        boolean done = false;
        try {
            for (int index = 0; index < plan.totalShards(); index++) {
                if (indices.contains(index)) {
                    FragmentStore.FragmentWriter writer = store.createChecksummedBySource(plan, index);
                    writers.put(index, writer);
                    sinks.add(writer);
                } else {
                    sinks.add(new HashingChannels.Discarding());
                }
            }
            List<ContentHash> checksums = ports.coder().encode(plan, source, sinks);
            done = true;
            return new LocalEncoding(plan, checksums, writers, ports.metrics());
        } finally {
            if (!done) {
                closeAll(writers.values());
            }
        }
    }

    /** The checksum of every fragment of the plan, as the coder computed them. */
    List<ContentHash> checksums() {
        return checksums;
    }

    /** The fragments encoded here whose checksum differs from {@code manifest}'s: the source was not the tessera. */
    List<Integer> mismatches(TesseraManifest manifest) {
        List<Integer> wrong = new ArrayList<>();
        for (int index = 0; index < plan.totalShards(); index++) {
            if (!checksums.get(index).equals(manifest.checksum(index))) {
                wrong.add(index);
            }
        }
        return wrong;
    }

    /**
     * Commits the kept fragments whose checksum the recorded manifest names (the store refuses any other);
     * returns those committed. {@code progress} hears of each.
     */
    List<StoredFragment> commit(TesseraManifest manifest, ProgressListener progress) throws IOException {
        List<StoredFragment> stored = new ArrayList<>();
        for (Map.Entry<Integer, FragmentStore.FragmentWriter> writer : writers.entrySet()) {
            int index = writer.getKey();
            if (!checksums.get(index).equals(manifest.checksum(index))) {
                continue;
            }
            StoredFragment committed = writer.getValue().commit(checksums.get(index));
            metrics.fragmentStored(committed.sizeBytes());
            stored.add(committed);
            progress.onProgress("encoding", stored.size(), writers.size());
        }
        return stored;
    }

    @Override
    public void close() {
        closeAll(writers.values());
    }

    private static void closeAll(Collection<FragmentStore.FragmentWriter> writers) {
        for (FragmentStore.FragmentWriter writer : writers) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.debug("Closing a fragment writer failed: {}", e.toString());
            }
        }
    }
}
