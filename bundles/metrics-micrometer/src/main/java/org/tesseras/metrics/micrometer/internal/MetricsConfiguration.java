package org.tesseras.metrics.micrometer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node's metrics (PID {@code org.tesseras.metrics}). */
@ObjectClassDefinition(name = "Tesseras metrics",
        description = "Where the node's counters and timers are exported: JMX, and Prometheus text over HTTP on this"
                + " machine only.")
public @interface MetricsConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.metrics";

    @AttributeDefinition(name = "Prometheus endpoint",
            description = "Serve the metrics as Prometheus text at http://prometheusHost:prometheusPort/metrics.")
    boolean prometheusEnabled() default true;

    @AttributeDefinition(name = "Prometheus host",
            description = "Loopback address the endpoint listens on (127.0.0.1 or ::1); any other address is refused,"
                    + " the endpoint is never on a public interface.")
    String prometheusHost() default "127.0.0.1";

    @AttributeDefinition(name = "Prometheus port", description = "TCP port of the endpoint (1-65535; 0 picks a free one).",
            min = "0", max = "65535")
    int prometheusPort() default 9464;

    @AttributeDefinition(name = "JMX", description = "Export the metrics as MBeans in the JMX domain below.")
    boolean jmxEnabled() default true;

    @AttributeDefinition(name = "JMX domain", description = "Domain of the metric MBeans.")
    String jmxDomain() default "org.tesseras.metrics";
}
