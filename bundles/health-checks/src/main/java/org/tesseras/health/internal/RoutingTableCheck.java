package org.tesseras.health.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.port.DhtPort;

/** The DHT knows peers: without any, nothing can be placed, checked on peers or repaired. */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + RoutingTableCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=network",
    HealthCheck.MBEAN_NAME + "=tesseras-routing-table"})
public final class RoutingTableCheck extends NodeCheck {
    static final String NAME = "Peers in routing table";
    /** A peer heard from within this counts as recently seen. */
    static final Duration RECENT = Duration.ofHours(1);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DhtPort dht;

    @Override
    Finding examine() {
        DhtPort running = dht;
        if (running == null) {
            return Finding.critical("The DHT is not running: no peer can be found",
                    "Check that bundle tesseras-dht is Active (bundle:list) and read the node log");
        }
        return judge(running.routingTable(), Instant.now());
    }

    static Finding judge(List<RoutingEntry> table, Instant now) {
        if (table.isEmpty()) {
            return Finding.warn("No peer in the routing table: tesseras cannot be placed, checked on peers or repaired",
                    "Join a network with tesseras:bootstrap host:port, or set seeds in etc/org.tesseras.dht.cfg; check"
                            + " that peers can reach this node's transport port");
        }
        long recent = table.stream().filter(entry -> entry.lastSeen().isAfter(now.minus(RECENT))).count();
        return Finding.ok(table.size() + (table.size() == 1 ? " peer" : " peers") + " known, " + recent
                + " heard from in the last hour");
    }
}
