package org.tesseras.metrics.micrometer.internal;

import java.io.IOException;
import java.time.Duration;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.RefusalReason;

/**
 * The {@link NodeMetrics} of the node, kept by Micrometer and exported as MBeans (JMX) and as Prometheus text on a
 * loopback address. A configuration change restarts the component (the counters start again from zero, which
 * Prometheus takes as a counter reset).
 */
@Component(service = NodeMetrics.class, configurationPid = MetricsConfiguration.PID, immediate = true)
@Designate(ocd = MetricsConfiguration.class)
public final class MicrometerNodeMetrics implements NodeMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerNodeMetrics.class);

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JmxMeterRegistry jmx;
    private final PrometheusEndpoint endpoint;
    private final NodeMeters meters;

    /** Starts the exports {@code config} asks for; a non-loopback host or a busy port refuses activation. */
    @Activate
    public MicrometerNodeMetrics(MetricsConfiguration config) throws IOException {
        registry.add(prometheus);
        this.jmx = config.jmxEnabled() ? new JmxMeterRegistry(jmxConfig(config.jmxDomain()), Clock.SYSTEM) : null;
        if (jmx != null) {
            registry.add(jmx);
        }
        this.meters = new NodeMeters(registry);
        if (config.prometheusEnabled()) {
            try {
                this.endpoint = PrometheusEndpoint.start(prometheus.getPrometheusRegistry(), config.prometheusHost(),
                        config.prometheusPort());
            } catch (IOException | RuntimeException e) {
                closeRegistries();
                throw e;
            }
            LOG.info("Metrics served as Prometheus text at http://{}:{}/metrics{}",
                    endpoint.address().getHostAddress(), endpoint.port(),
                    jmx == null ? "" : " and as MBeans in JMX domain " + config.jmxDomain());
        } else {
            this.endpoint = null;
            LOG.info("Metrics kept{}; no Prometheus endpoint (prometheusEnabled = false)",
                    jmx == null ? "" : " as MBeans in JMX domain " + config.jmxDomain());
        }
    }

    /** Stops the endpoint and unregisters the MBeans. */
    @Deactivate
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        closeRegistries();
        LOG.info("Metrics stopped");
    }

    private void closeRegistries() {
        registry.close();
        prometheus.close();
        if (jmx != null) {
            jmx.close();
        }
    }

    private static JmxConfig jmxConfig(String domain) {
        String checked = domain == null || domain.isBlank() ? "org.tesseras.metrics" : domain.strip();
        return new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return checked;
            }
        };
    }

    /** The port the Prometheus endpoint listens on, or -1 without one. */
    int prometheusPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /** The registry the meters live in (for tests). */
    MeterRegistry registry() {
        return registry;
    }

    @Override
    public void bytesSent(long bytes) {
        meters.bytesSent(bytes);
    }

    @Override
    public void bytesReceived(long bytes) {
        meters.bytesReceived(bytes);
    }

    @Override
    public void fragmentStored(long bytes) {
        meters.fragmentStored(bytes);
    }

    @Override
    public void fragmentRefused(RefusalReason reason) {
        meters.fragmentRefused(reason);
    }

    @Override
    public void record(Operation operation, Outcome outcome, Duration took) {
        meters.record(operation, outcome, took);
    }
}
