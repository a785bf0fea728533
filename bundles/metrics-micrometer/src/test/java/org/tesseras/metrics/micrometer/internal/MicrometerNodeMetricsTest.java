package org.tesseras.metrics.micrometer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.RefusalReason;

/** The metrics component: Prometheus text on loopback, MBeans, and a clean stop. */
class MicrometerNodeMetricsTest {

    @Test
    void countersAndTimersAppearAsPrometheusTextOnLoopback() throws Exception {
        MicrometerNodeMetrics metrics = new MicrometerNodeMetrics(config(true, "127.0.0.1", 0, true, "test.tesseras.a"));
        try {
            String before = scrape(metrics.prometheusPort());
            assertTrue(before.contains("tesseras_operations_seconds_count{operation=\"put\",outcome=\"success\"} 0"),
                    before);
            assertTrue(before.contains("tesseras_fragments_refused_total{reason=\"NO_SPACE\"} 0"), before);

            metrics.bytesSent(1000);
            metrics.bytesSent(24);
            metrics.bytesReceived(7);
            metrics.fragmentStored(4096);
            metrics.fragmentStored(4096);
            metrics.fragmentRefused(RefusalReason.NO_SPACE);
            metrics.record(NodeMetrics.Operation.PUT, NodeMetrics.Outcome.SUCCESS, Duration.ofMillis(1500));
            metrics.start(NodeMetrics.Operation.ATTESTATION_ASKED).failed();

            String after = scrape(metrics.prometheusPort());
            assertTrue(after.contains("tesseras_transfer_sent_bytes_total 1024.0"), after);
            assertTrue(after.contains("tesseras_transfer_received_bytes_total 7.0"), after);
            assertTrue(after.contains("tesseras_fragments_stored_bytes_count 2"), after);
            assertTrue(after.contains("tesseras_fragments_stored_bytes_sum 8192.0"), after);
            assertTrue(after.contains("tesseras_fragments_refused_total{reason=\"NO_SPACE\"} 1.0"), after);
            assertTrue(after.contains("tesseras_operations_seconds_count{operation=\"put\",outcome=\"success\"} 1"),
                    after);
            assertTrue(after.contains("tesseras_operations_seconds_sum{operation=\"put\",outcome=\"success\"} 1.5"),
                    after);
            assertTrue(after.contains(
                    "tesseras_operations_seconds_count{operation=\"attestation_asked\",outcome=\"failure\"} 1"), after);
        } finally {
            metrics.close();
        }
    }

    @Test
    void metersAreMBeansInTheConfiguredDomainUntilStopped() throws Exception {
        MicrometerNodeMetrics metrics = new MicrometerNodeMetrics(config(false, "127.0.0.1", 0, true, "test.tesseras.b"));
        Set<ObjectName> names;
        try {
            metrics.fragmentRefused(RefusalReason.DEFICIT);
            names = ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("test.tesseras.b:*"), null);
            assertTrue(names.stream().anyMatch(name -> name.toString().contains("tesserasFragmentsRefused")
                    && name.toString().contains("DEFICIT")), names.toString());
            assertEquals(-1, metrics.prometheusPort());
        } finally {
            metrics.close();
        }
        assertTrue(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("test.tesseras.b:*"), null)
                .isEmpty(), "MBeans are unregistered on close");
    }

    @Test
    void theEndpointRefusesANonLoopbackHost() {
        for (String host : new String[] {"0.0.0.0", "192.0.2.7", "::"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new MicrometerNodeMetrics(config(true, host, 0, false, "x")));
            assertTrue(refused.getMessage().contains("prometheusHost must be a loopback address"), refused.getMessage());
        }
    }

    @Test
    void closingStopsTheServerAndItsThreads() throws Exception {
        MicrometerNodeMetrics metrics = new MicrometerNodeMetrics(config(true, "127.0.0.1", 0, false, "x"));
        int port = metrics.prometheusPort();
        scrape(port);
        metrics.close();
        assertFalse(accepts(port), "nothing listens on " + port + " after close");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith(PrometheusEndpoint.THREAD_NAME_PREFIX)
                        && thread.isAlive()), "endpoint threads stopped");
    }

    static String scrape(int port) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics")
                .openConnection();
        try (InputStream in = connection.getInputStream()) {
            assertEquals(200, connection.getResponseCode());
            assertTrue(connection.getContentType().startsWith("text/plain"), connection.getContentType());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static MetricsConfiguration config(boolean prometheus, String host, int port, boolean jmx, String domain) {
        return new MetricsConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MetricsConfiguration.class;
            }

            @Override
            public boolean prometheusEnabled() {
                return prometheus;
            }

            @Override
            public String prometheusHost() {
                return host;
            }

            @Override
            public int prometheusPort() {
                return port;
            }

            @Override
            public boolean jmxEnabled() {
                return jmx;
            }

            @Override
            public String jmxDomain() {
                return domain;
            }
        };
    }
}
