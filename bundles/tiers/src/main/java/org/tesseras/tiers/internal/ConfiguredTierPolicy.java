package org.tesseras.tiers.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.TierSpec;
import org.tesseras.api.port.TierPolicy;

/**
 * The {@link TierPolicy} service: the tiers of all {@code org.tesseras.tier} configurations, re-validated
 * whenever one appears, changes or goes. A set with gaps or overlaps is refused with an ERROR (at start only once
 * the configurations had 30 s to arrive, as they come one by one) and the previous table stays in force; without any tier configuration the built-in tiers apply. Tiers bound before activation
 * are validated together once, so the start-up order of the configurations does not matter.
 */
@Component(service = TierPolicy.class, configurationPid = TierPolicyConfiguration.PID)
@Designate(ocd = TierPolicyConfiguration.class)
public final class ConfiguredTierPolicy implements TierPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTierPolicy.class);
    /** How long after activation a refused tier set may still be one whose other configurations are coming. */
    static final Duration SETTLE = Duration.ofSeconds(30);

    private final Set<TierDefinition> definitions = ConcurrentHashMap.newKeySet();
    private long maxTesseraSizeBytes = TierTable.DEFAULT_MAX_TESSERA_SIZE_BYTES;
    private Bundle bundle;
    private volatile TierTable table;
    /** When the component was activated: a refused set is only an error once the configurations had time to come. */
    private Instant activatedAt = Instant.now();
    /** Why the current tier set is refused, while it is; null when it is in force. */
    private String refusal;
    private boolean settleCheckScheduled;
    private volatile boolean active;

    /** Activates with the configured maximum tessera size and every tier bound before activation. */
    @Activate
    public synchronized void activate(TierPolicyConfiguration config, BundleContext context) {
        long max = config.maxTesseraSizeBytes();
        if (max < 1) {
            throw new IllegalArgumentException(TierPolicyConfiguration.PID + " maxTesseraSizeBytes must be >= 1, got "
                    + max);
        }
        bundle = context == null ? null : context.getBundle();
        maxTesseraSizeBytes = max;
        activatedAt = Instant.now();
        active = true;
        refresh();
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
    }

    /**
     * Takes a new maximum tessera size; while the tiers do not reach it the previous table stays in force, and
     * it applies as soon as they do.
     */
    @Modified
    synchronized void modified(TierPolicyConfiguration config) {
        long max = config.maxTesseraSizeBytes();
        if (max < 1) {
            LOG.error("{} maxTesseraSizeBytes must be >= 1, got {}; keeping {}", TierPolicyConfiguration.PID, max,
                    maxTesseraSizeBytes);
            return;
        }
        maxTesseraSizeBytes = max;
        refresh();
    }

    /** A tier configuration appeared. */
    @Reference(service = TierDefinition.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public synchronized void bindTier(TierDefinition definition) {
        definitions.add(definition);
        refreshIfRunning();
    }

    /** A tier configuration changed. */
    synchronized void updatedTier(TierDefinition definition) {
        refreshIfRunning();
    }

    /** A tier configuration went away. */
    synchronized void unbindTier(TierDefinition definition) {
        definitions.remove(definition);
        refreshIfRunning();
    }

    /** Tiers bound before activation wait for it; tiers leaving while the bundle stops are no news. */
    private void refreshIfRunning() {
        if (table != null && (bundle == null || bundle.getState() != Bundle.STOPPING)) {
            refresh();
        }
    }

    /** Rebuilds the table from the current definitions and limit; a refused set leaves the table as it was. */
    private void refresh() {
        List<TierSpec> specs = new ArrayList<>();
        for (TierDefinition definition : definitions) {
            specs.add(definition.spec());
        }
        boolean builtIn = specs.isEmpty();
        if (builtIn) {
            specs = TierTable.BUILT_IN;
        }
        TierTable candidate;
        try {
            candidate = new TierTable(specs, maxTesseraSizeBytes);
        } catch (IllegalArgumentException e) {
            boolean first = table == null;
            if (first) {
                table = TierTable.builtIn(maxTesseraSizeBytes);
            }
            refusal = e.getMessage();
            if (Instant.now().isBefore(activatedAt.plus(SETTLE))) {
                // at start the tier configurations arrive one by one: judge the set once they had time to come
                LOG.info("Tier set not complete yet ({}); waiting for the other {} configurations", e.getMessage(),
                        TierConfiguration.FACTORY_PID);
                scheduleSettleCheck();
            } else {
                logRefusal(first);
            }
            return;
        }
        refusal = null;
        if (!candidate.equals(table)) {
            if (builtIn) {
                LOG.info("No {} configuration found; using the built-in tiers: {}", TierConfiguration.FACTORY_PID,
                        candidate.describe());
            } else {
                LOG.info("Tiers in force: {}", candidate.describe());
            }
        }
        table = candidate;
    }

    private void scheduleSettleCheck() {
        if (settleCheckScheduled) {
            return;
        }
        settleCheckScheduled = true;
        CompletableFuture.runAsync(this::settled, CompletableFuture.delayedExecutor(SETTLE.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /** The start-up grace is over: a set still refused is an error now. */
    private synchronized void settled() {
        settleCheckScheduled = false;
        if (active && refusal != null) {
            logRefusal(false);
        }
    }

    private void logRefusal(boolean builtIn) {
        if (builtIn || table.equals(TierTable.builtIn(maxTesseraSizeBytes))) {
            LOG.error("Tier set refused ({}); using the built-in tiers until the configuration is fixed: {}", refusal,
                    table.describe());
        } else {
            LOG.error("Tier set refused ({}); the previous tiers stay in force: {}", refusal, table.describe());
        }
    }

    @Override
    public FragmentPlan plan(ContentHash tesseraHash, long sizeBytes) {
        return table.plan(tesseraHash, sizeBytes);
    }

    @Override
    public List<TierSpec> tiers() {
        return table.tiers();
    }

    @Override
    public long maxTesseraSizeBytes() {
        return table.maxTesseraSizeBytes();
    }
}
