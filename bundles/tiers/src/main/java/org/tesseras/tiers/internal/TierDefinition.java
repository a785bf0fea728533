package org.tesseras.tiers.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.TierSpec;

/**
 * One tier from one {@code org.tesseras.tier} factory configuration, registered for the policy to collect. An
 * invalid configuration is refused at activation; an invalid change is refused and the previous tier kept.
 */
@Component(service = TierDefinition.class, configurationPid = TierConfiguration.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TierConfiguration.class, factory = true)
public final class TierDefinition {
    private static final Logger LOG = LoggerFactory.getLogger(TierDefinition.class);

    private volatile TierSpec spec;

    /** Reads the tier; throws (and logs) naming the bad property when the configuration is invalid. */
    @Activate
    public TierDefinition(TierConfiguration config) {
        try {
            this.spec = toSpec(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Tier configuration refused: {}", e.getMessage());
            throw e;
        }
    }

    /** Takes a changed configuration; an invalid one is logged and the previous tier stays. */
    @Modified
    void modified(TierConfiguration config) {
        try {
            TierSpec changed = toSpec(config);
            LOG.info("Tier '{}' changed to {}", changed.name(), changed);
            spec = changed;
        } catch (IllegalArgumentException e) {
            LOG.error("Tier configuration change refused, tier '{}' stays as it was: {}", spec.name(),
                    e.getMessage());
        }
    }

    /** The tier this configuration defines. */
    public TierSpec spec() {
        return spec;
    }

    /** Converts and validates a configuration, naming the factory PID and property in any error. */
    static TierSpec toSpec(TierConfiguration config) {
        String name = config.name();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(TierConfiguration.FACTORY_PID + " configuration needs a name");
        }
        if (config.tier() == null) {
            throw new IllegalArgumentException(TierConfiguration.FACTORY_PID + " '" + name
                    + "' needs tier = SMALL, MEDIUM or LARGE");
        }
        try {
            return new TierSpec(name.strip(), config.tier(), config.minSizeBytes(), config.maxSizeBytes(),
                    config.dataShards(), config.parityShards(), config.replicationFactor());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TierConfiguration.FACTORY_PID + " '" + name + "': " + e.getMessage(),
                    e);
        }
    }
}
