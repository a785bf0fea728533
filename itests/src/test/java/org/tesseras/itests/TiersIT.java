package org.tesseras.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.port.ErasureCoder;
import org.tesseras.api.port.TierPolicy;

/** The coder and the tiers in the distribution; a tier changed through ConfigAdmin changes new plans at once. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TiersIT {
    static final ContentHash HASH = new ContentHash(new byte[32]);
    static final long MIB = 1L << 20;

    @Inject
    BundleContext bundleContext;

    @Inject
    ErasureCoder coder;

    @Inject
    TierPolicy tiers;

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return NodeContainer.options();
    }

    @Test
    public void theShippedTiersAreInForce() {
        assertNotNull(bundleContext.getServiceReference(ErasureCoder.class));
        assertEquals(1, tiers.plan(HASH, 4 * MIB - 1).dataShards());
        FragmentPlan medium = tiers.plan(HASH, 4 * MIB);
        assertEquals(16, medium.dataShards());
        assertEquals(8, medium.parityShards());
        assertEquals(48, tiers.plan(HASH, 256 * MIB).dataShards());
        assertEquals(1L << 30, tiers.maxTesseraSizeBytes());
    }

    @Test
    public void changingATierConfigurationChangesNewPlansWithoutARestart() throws Exception {
        org.osgi.service.cm.Configuration[] configs = configAdmin.listConfigurations(
                "(&(service.factoryPid=org.tesseras.tier)(name=medium))");
        assertNotNull("the distribution ships the medium tier as a factory configuration", configs);
        org.osgi.service.cm.Configuration medium = configs[0];
        Dictionary<String, Object> properties = medium.getProperties();
        Dictionary<String, Object> changed = new Hashtable<>();
        for (var keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            changed.put(key, properties.get(key));
        }
        changed.put("dataShards", 10);
        changed.put("parityShards", 4);
        medium.update(changed);

        long deadline = System.currentTimeMillis() + 30_000;
        FragmentPlan plan = tiers.plan(HASH, 10 * MIB);
        while (plan.dataShards() != 10 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            plan = tiers.plan(HASH, 10 * MIB);
        }
        assertEquals(10, plan.dataShards());
        assertEquals(4, plan.parityShards());
        assertEquals(FragmentPlan.shardSizeFor(10 * MIB, 10), plan.shardSize());
        String printed = NodeContainer.execute(sessionFactory, "tesseras:tiers");
        assertTrue(printed, printed.contains("10+4"));
    }
}
