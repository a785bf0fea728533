package org.tesseras.health.internal;

import java.io.IOException;
import java.util.Dictionary;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.port.FragmentStore;

/**
 * The fragment store's disk keeps more free space than the node's minimum: below it the node refuses fragments from
 * peers (NO_SPACE), and a full disk fails our own puts and repairs.
 */
@Component(service = HealthCheck.class, configurationPid = FreeSpaceConfiguration.PID, property = {
    HealthCheck.NAME + "=" + FreeSpaceCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=storage",
    HealthCheck.MBEAN_NAME + "=tesseras-free-space"})
@Designate(ocd = FreeSpaceConfiguration.class)
public final class FreeSpaceCheck extends NodeCheck {
    static final String NAME = "Free disk space";
    /** Where replication keeps its minimum, and the minimum it uses when unset. */
    static final String REPLICATION_PID = "org.tesseras.replication";
    static final String REPLICATION_MIN_FREE = "minFreeSpaceBytes";
    static final long REPLICATION_DEFAULT_MIN_FREE_BYTES = 1L << 30;

    private static final Logger LOG = LoggerFactory.getLogger(FreeSpaceCheck.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FragmentStore fragments;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ConfigurationAdmin configurationAdmin;

    private volatile long configuredMinFreeBytes = -1;

    @Activate
    @Modified
    void configure(FreeSpaceConfiguration config) {
        if (config.minFreeSpaceBytes() < -1) {
            throw new IllegalArgumentException(FreeSpaceConfiguration.PID + " minFreeSpaceBytes must be -1 (that of "
                    + REPLICATION_PID + ") or >= 0, got " + config.minFreeSpaceBytes());
        }
        this.configuredMinFreeBytes = config.minFreeSpaceBytes();
    }

    @Override
    Finding examine() {
        FragmentStore store = fragments;
        if (store == null) {
            return Finding.unavailable("No fragment store is running, so its free space is unknown",
                    "Check that bundle tesseras-storage-fs is Active (bundle:list) and read the node log");
        }
        return judge(store.usage(), minFreeBytes());
    }

    /** The minimum in force: ours if set, else replication's. */
    long minFreeBytes() {
        long own = configuredMinFreeBytes;
        return own >= 0 ? own : replicationMinFreeBytes(configurationAdmin);
    }

    static Finding judge(StorageUsage usage, long minFreeBytes) {
        long free = usage.freeBytes();
        String kept = Sizes.bytes(minFreeBytes) + " the node keeps free (minFreeSpaceBytes)";
        String advice = "Free space on the disk of the fragment store (" + usage.fragmentCount() + " fragments, "
                + Sizes.bytes(usage.usedBytes()) + ", are stored there), move it to a larger disk, or lower"
                + " minFreeSpaceBytes in etc/" + REPLICATION_PID + ".cfg";
        if (free < minFreeBytes) {
            return Finding.critical("Only " + Sizes.bytes(free) + " free, less than the " + kept
                    + ": fragments from peers are refused (NO_SPACE)", advice);
        }
        if (free / 2 < minFreeBytes) {
            return Finding.warn("Only " + Sizes.bytes(free) + " free, less than twice the " + kept, advice);
        }
        return Finding.ok(Sizes.bytes(free) + " free; the node keeps " + Sizes.bytes(minFreeBytes) + " free");
    }

    /** {@value #REPLICATION_MIN_FREE} of {@value #REPLICATION_PID}, or its default when unset or unreadable. */
    static long replicationMinFreeBytes(ConfigurationAdmin admin) {
        if (admin == null) {
            return REPLICATION_DEFAULT_MIN_FREE_BYTES;
        }
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + REPLICATION_PID + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return REPLICATION_DEFAULT_MIN_FREE_BYTES;
            }
            Dictionary<String, Object> properties = found[0].getProperties();
            Object value = properties.get(REPLICATION_MIN_FREE);
            return value == null ? REPLICATION_DEFAULT_MIN_FREE_BYTES : Long.parseLong(value.toString().strip());
        } catch (IOException | InvalidSyntaxException | NumberFormatException e) {
            LOG.warn("Cannot read {} {}: {}; using {} bytes", REPLICATION_PID, REPLICATION_MIN_FREE, e.getMessage(),
                    REPLICATION_DEFAULT_MIN_FREE_BYTES);
            return REPLICATION_DEFAULT_MIN_FREE_BYTES;
        }
    }
}
