package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.management.ObjectName;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.tesseras.api.metrics.NodeMetrics;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ReplicationService;

/** The node's metrics in the distribution: Prometheus text on 127.0.0.1 only, MBeans, and counters that move. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsIT {
    static final String PUT_FAILURES = "tesseras_operations_seconds_count{operation=\"put\",outcome=\"failure\"}";
    static final String STORED = "tesseras_fragments_stored_bytes_count";
    static final String STORED_BYTES = "tesseras_fragments_stored_bytes_sum";

    @Inject
    NodeMetrics metrics;

    @Inject
    ReplicationService replication;

    @Inject
    FragmentStore fragments;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void prometheusTextIsServedOn127001Only() throws Exception {
        int port = HttpProbe.port(NodeContainer.METRICS_PORT);
        HttpProbe.Response response = HttpProbe.get("http://127.0.0.1:" + port + "/metrics", null, null);
        assertEquals(200, response.status());
        assertTrue(response.contentType(), response.contentType().startsWith("text/plain"));
        assertTrue(response.body(), response.body().contains(PUT_FAILURES));
        assertTrue(response.body(), response.body().contains("tesseras_fragments_refused_total{reason=\"NO_SPACE\"}"));
        assertTrue(response.body(), response.body().contains("tesseras_transfer_sent_bytes_total"));

        List<InetAddress> listening = HttpProbe.listeningAddresses(port);
        assertFalse("something listens on " + port, listening.isEmpty());
        for (InetAddress address : listening) {
            assertTrue("the metrics endpoint listens on " + address, address.isLoopbackAddress());
        }
    }

    /**
     * A put on this lone node (it keeps the tessera, but no fragment finds a peer): replication times it as a failed
     * put and counts the 24 fragments of its own full set as stored.
     */
    @Test
    public void replicationCountsAPutAndTheFragmentsItStores() throws Exception {
        int port = HttpProbe.port(NodeContainer.METRICS_PORT);
        String before = HttpProbe.get("http://127.0.0.1:" + port + "/metrics", null, null).body();

        ContentHash hash = LoneNode.put(replication, fragments, 31);
        long storedBytes = 0;
        for (StoredFragment fragment : fragments.list(hash)) {
            storedBytes += fragment.sizeBytes();
        }

        String after = HttpProbe.get("http://127.0.0.1:" + port + "/metrics", null, null).body();
        assertEquals(value(before, PUT_FAILURES) + 1, value(after, PUT_FAILURES), 0.0);
        assertEquals(value(before, STORED) + 24, value(after, STORED), 0.0);
        assertEquals(value(before, STORED_BYTES) + storedBytes, value(after, STORED_BYTES), 0.5);
        assertTrue(after, value(after, "tesseras_operations_seconds_sum{operation=\"put\",outcome=\"failure\"}") > 0);
    }

    @Test
    public void theMetersAreMBeans() throws Exception {
        metrics.fragmentRefused(org.tesseras.api.model.RefusalReason.DEFICIT);
        Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("org.tesseras.metrics:*"), null);
        assertTrue(names.toString(), names.stream().anyMatch(name -> name.toString().contains("tesserasOperations")));
        ObjectName deficit = names.stream().filter(name -> name.toString().contains("tesserasFragmentsRefused")
                && name.toString().contains("DEFICIT")).findFirst().orElseThrow(() -> new AssertionError(names));
        Object count = ManagementFactory.getPlatformMBeanServer().getAttribute(deficit, "Count");
        assertTrue(String.valueOf(count), ((Number) count).longValue() >= 1);
    }

    /** The value of the series {@code series} (its whole name with labels) in Prometheus text. */
    static double value(String text, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("no series " + series + " in\n" + text);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
