package org.tesseras.health.internal;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;

/**
 * No file waits in quarantine: a shard, manifest or tessera copy the node could not explain or that failed its
 * checksum is moved there, never deleted, and stays until the operator has looked at it.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + QuarantineCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=storage",
    HealthCheck.MBEAN_NAME + "=tesseras-quarantine"})
public final class QuarantineCheck extends NodeCheck {
    static final String NAME = "Quarantined files";
    private static final int NAMES_SHOWN = 5;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FragmentStore fragments;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BlobStore blobs;

    @Override
    Finding examine() {
        FragmentStore store = fragments;
        if (store == null) {
            return Finding.unavailable("No fragment store is running, so its quarantine is unknown",
                    "Check that bundle tesseras-storage-fs is Active (bundle:list) and read the node log");
        }
        List<QuarantinedFile> files = new ArrayList<>(store.quarantined());
        BlobStore copies = blobs;
        if (copies != null) {
            files.addAll(copies.quarantined());
        }
        return judge(files);
    }

    static Finding judge(List<QuarantinedFile> files) {
        if (files.isEmpty()) {
            return Finding.ok("No file in quarantine");
        }
        long bytes = files.stream().mapToLong(QuarantinedFile::sizeBytes).sum();
        List<String> shown = files.stream().limit(NAMES_SHOWN)
                .map(f -> f.name() + " (" + (f.reason().isEmpty() ? "no reason recorded" : f.reason()) + ")").toList();
        String more = files.size() > NAMES_SHOWN ? " and " + (files.size() - NAMES_SHOWN) + " more" : "";
        return Finding.warn(files.size() + " file(s), " + Sizes.bytes(bytes) + ", wait in quarantine: "
                + String.join("; ", shown) + more, "The node has already replaced what it could (tesseras:status"
                + " lists them); read the .why file beside each in the quarantine directory, keep any you may need,"
                + " and delete them to clear this warning");
    }
}
