package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.tesseras.api.health.CheckFinding;
import org.tesseras.api.health.CheckStatus;
import org.tesseras.api.health.NodeDoctor;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.RepairAction;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.HolderRegistry;
import org.tesseras.api.port.ReplicationService;

/**
 * The node's health checks in the distribution: registered, tagged and MBeans, shown by {@code tesseras:doctor}, and
 * each turning WARN or CRITICAL when its fault is caused.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthChecksIT {
    static final String DATABASE = "Database reachable";
    static final String FREE_SPACE = "Free disk space";
    static final String TRANSPORT = "Transport listening";
    static final String PEERS = "Peers in routing table";
    static final String AT_RISK = "Tesseras at risk";
    static final String LOST = "Tesseras lost";
    static final String REPAIR = "Repair rounds on time";
    static final String QUARANTINE = "Quarantined files";
    static final List<String> CHECKS = List.of(DATABASE, FREE_SPACE, TRANSPORT, PEERS, AT_RISK, LOST, REPAIR,
            QUARANTINE);

    @Inject
    BundleContext bundleContext;

    @Inject
    NodeDoctor doctor;

    @Inject
    ReplicationService replication;

    @Inject
    FragmentStore fragments;

    @Inject
    HolderRegistry holders;

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void everyCheckIsRegisteredTaggedAndVisibleOverJmx() throws Exception {
        Map<String, CheckFinding> findings = byName(doctor.examine());
        assertTrue(findings.toString(), findings.keySet().containsAll(CHECKS));
        for (CheckFinding finding : findings.values()) {
            assertTrue(finding.check() + " is tagged tesseras", finding.tags().contains("tesseras"));
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        for (String name : List.of("tesseras-database", "tesseras-free-space", "tesseras-transport",
                "tesseras-routing-table", "tesseras-at-risk", "tesseras-lost", "tesseras-repair-overdue",
                "tesseras-quarantine")) {
            ObjectName mbean = new ObjectName("org.apache.felix.healthcheck:type=HealthCheck,name=" + name);
            waitUntil(() -> jmx.isRegistered(mbean), "MBean " + mbean);
            assertNotNull(jmx.getAttribute(mbean, "status"));
        }
        ObjectName peers = new ObjectName("org.apache.felix.healthcheck:type=HealthCheck,name=tesseras-routing-table");
        assertEquals("WARN", jmx.getAttribute(peers, "status").toString());
    }

    @Test
    public void aLoneNodeWarnsThatNoPeerIsKnownAndTheDoctorSaysWhatToDo() throws Exception {
        CheckFinding peers = byName(doctor.examine()).get(PEERS);
        assertEquals(CheckStatus.WARN, peers.status());
        assertTrue(peers.whatToDo(), peers.whatToDo().contains("tesseras:bootstrap"));

        String table = NodeContainer.execute(sessionFactory, "tesseras:doctor");
        for (String check : CHECKS) {
            assertTrue(table, table.contains(check));
        }
        assertTrue(table, table.contains("WARN") && table.contains("tesseras:bootstrap"));
        assertTrue(table, table.contains("checks need attention"));
    }

    @Test
    public void aFreshNodeHasItsFirstRepairRoundDueAndAQuarantinedShardWarnsUntilRemoved() throws Exception {
        CheckFinding repair = byName(doctor.examine()).get(REPAIR);
        assertEquals(repair.finding(), CheckStatus.OK, repair.status());
        assertTrue(repair.finding(), repair.finding().contains("the next is due at"));

        assertEquals(CheckStatus.OK, byName(doctor.examine()).get(QUARANTINE).status());
        ContentHash hash = LoneNode.put(replication, fragments, 41);
        assertTrue(fragments.quarantine(hash, 3, "test: a shard that failed its checksum"));
        CheckFinding quarantined = waitForStatus(QUARANTINE, CheckStatus.WARN);
        assertTrue(quarantined.finding(), quarantined.finding().contains("failed its checksum"));
        assertTrue(quarantined.whatToDo(), quarantined.whatToDo().contains(".why"));
    }

    @Test
    public void stoppingTheDatabaseMakesItsCheckCritical() throws Exception {
        CheckFinding down = criticalWhileStopped("org.tesseras.db.derby", DATABASE);
        assertTrue(down.finding(), down.finding().contains("not running"));
    }

    @Test
    public void stoppingTheTransportMakesItsCheckCritical() throws Exception {
        CheckFinding down = criticalWhileStopped("org.tesseras.transport.netty", TRANSPORT);
        assertTrue(down.whatToDo(), down.whatToDo().contains("tesseras-transport-netty"));
    }

    /** Stops the bundle, waits for {@code check} to turn CRITICAL, starts it again and waits for OK. */
    private CheckFinding criticalWhileStopped(String symbolicName, String check) throws Exception {
        assertEquals(CheckStatus.OK, byName(doctor.examine()).get(check).status());
        Bundle bundle = NodeContainer.bundleOf(bundleContext, symbolicName);
        bundle.stop();
        CheckFinding down;
        try {
            down = waitForStatus(check, CheckStatus.CRITICAL);
        } finally {
            bundle.start();
        }
        waitForStatus(check, CheckStatus.OK);
        return down;
    }

    @Test
    public void aMinimumAboveTheFreeSpaceMakesTheFreeSpaceCheckWarnThenCritical() throws Exception {
        assertEquals(CheckStatus.OK, byName(doctor.examine()).get(FREE_SPACE).status());
        long free = fragments.usage().freeBytes();
        org.osgi.service.cm.Configuration replicationConfig = configAdmin.getConfiguration("org.tesseras.replication",
                null);
        Dictionary<String, Object> shipped = replicationConfig.getProperties();
        try {
            setMinFreeSpace(replicationConfig, shipped, free / 4 * 3);
            waitForStatus(FREE_SPACE, CheckStatus.WARN);
            setMinFreeSpace(replicationConfig, shipped, free * 2);
            CheckFinding full = waitForStatus(FREE_SPACE, CheckStatus.CRITICAL);
            assertTrue(full.finding(), full.finding().contains("NO_SPACE"));
            assertTrue(full.whatToDo(), full.whatToDo().contains("minFreeSpaceBytes"));
        } finally {
            replicationConfig.update(shipped);
        }
        waitForStatus(FREE_SPACE, CheckStatus.OK);
    }

    @Test
    public void tesserasWhoseHoldersAreGoneAreAtRiskAndLostOnesAreCritical() throws Exception {
        ContentHash atRisk = LoneNode.put(replication, fragments, 21);
        ContentHash lost = LoneNode.put(replication, fragments, 22);
        // each got a holder that is gone: nothing listens at its address
        for (ContentHash hash : List.of(atRisk, lost)) {
            holders.recordFragments(hash, LoneNode.goneHolder(hash), IntStream.range(0, 24).boxed().toList());
        }
        // and the second also lost 10 of its 24 local fragments: 14 are left, 16 are needed
        for (int index = 0; index < 10; index++) {
            assertTrue(fragments.delete(lost, index));
        }

        RepairAction first = replication.checkHealth(atRisk).action();
        assertTrue(first.toString(), first instanceof RepairAction.NeedsReplication);
        CheckFinding risk = waitForStatus(AT_RISK, CheckStatus.WARN);
        assertTrue(risk.finding(), risk.finding().contains(atRisk.hex()));
        assertTrue(risk.whatToDo(), risk.whatToDo().contains("tesseras:repair"));

        RepairAction second = replication.checkHealth(lost).action();
        assertEquals(new RepairAction.Lost(14, 16), second);
        CheckFinding gone = waitForStatus(LOST, CheckStatus.CRITICAL);
        assertTrue(gone.finding(), gone.finding().contains(lost.hex()));
        assertTrue(gone.finding(), gone.finding().contains("14 of the 16 fragments needed survive"));
        assertTrue(gone.whatToDo(), gone.whatToDo().contains("tesseras:put"));
        assertTrue("the lost one is not listed at risk", !byName(doctor.examine()).get(AT_RISK).finding()
                .contains(lost.hex()));

        String table = NodeContainer.execute(sessionFactory, "tesseras:doctor");
        assertTrue(table, table.contains("CRITICAL") && table.contains(lost.hex().substring(0, 40)));
    }

    private static void setMinFreeSpace(org.osgi.service.cm.Configuration config, Dictionary<String, Object> shipped,
            long bytes) throws IOException {
        Dictionary<String, Object> changed = new Hashtable<>();
        for (var keys = shipped.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            changed.put(key, shipped.get(key));
        }
        changed.put("minFreeSpaceBytes", Long.toString(bytes));
        config.update(changed);
    }

    private CheckFinding waitForStatus(String check, CheckStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        CheckFinding last = null;
        while (System.nanoTime() < deadline) {
            last = byName(doctor.examine()).get(check);
            if (last != null && last.status() == status) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(check + " did not turn " + status + " within 60 s; last: " + last);
    }

    private static Map<String, CheckFinding> byName(List<CheckFinding> findings) {
        Map<String, CheckFinding> byName = new TreeMap<>();
        findings.forEach(finding -> byName.put(finding.check(), finding));
        return byName;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not appear within 60 s");
            }
            Thread.sleep(250);
        }
    }
}
