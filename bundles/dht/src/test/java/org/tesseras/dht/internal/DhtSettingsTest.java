package org.tesseras.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class DhtSettingsTest {

    @Test
    void defaultsAreTheDesignValues() {
        DhtSettings settings = new TestConfig().settings();
        assertEquals(20, settings.k());
        assertEquals(3, settings.alpha());
        assertEquals(5000, settings.rpcTimeoutMillis());
        assertEquals(3600, settings.refreshIntervalSeconds());
        assertEquals(3600, settings.republishIntervalSeconds());
        assertEquals(86400, settings.pointerTtlSeconds());
        assertEquals(List.of(), settings.seeds());
    }

    @Test
    void seedsParseHostPortAndBracketedIpv6() {
        TestConfig config = new TestConfig();
        config.seeds = new String[] {"10.0.0.1:7000", " seed.example.org:4000 ", "[::1]:7001", ""};
        assertEquals(List.of(new DhtSettings.Seed("10.0.0.1", 7000), new DhtSettings.Seed("seed.example.org", 4000),
                new DhtSettings.Seed("::1", 7001)), config.settings().seeds());
        assertEquals("[::1]:7001", new DhtSettings.Seed("::1", 7001).toString());

        config.seeds = new String[] {"10.0.0.1:7000, 10.0.0.2:7000 [::1]:7001"};
        assertEquals(List.of(new DhtSettings.Seed("10.0.0.1", 7000), new DhtSettings.Seed("10.0.0.2", 7000),
                new DhtSettings.Seed("::1", 7001)), config.settings().seeds(), "one .cfg line listing several seeds");
    }

    @Test
    void badValuesAreRefusedNamingTheProperty() {
        assertRefused("k", config -> config.k = 0);
        assertRefused("k", config -> config.k = 101);
        assertRefused("alpha", config -> config.alpha = 21);
        assertRefused("rpcTimeoutMillis", config -> config.rpcTimeoutMillis = 0);
        assertRefused("maxFailedRpcs", config -> config.maxFailedRpcs = 0);
        assertRefused("republishIntervalSeconds", config -> config.republishIntervalSeconds = 0);
        assertRefused("catalogueTtlSeconds", config -> config.catalogueTtlSeconds = 3600);
        assertRefused("maxStoredPointers", config -> config.maxStoredPointers = 0);
        assertRefused("seeds", config -> config.seeds = new String[] {"no-port"});
        assertRefused("seeds", config -> config.seeds = new String[] {"host:0"});
        assertRefused("seeds", config -> config.seeds = new String[] {"host:http"});
        assertRefused("seeds", config -> config.seeds = new String[] {"::1:7000"});
    }

    private static void assertRefused(String property, Consumer<TestConfig> change) {
        TestConfig config = new TestConfig();
        change.accept(config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::settings);
        assertTrue(e.getMessage().contains(DhtConfiguration.PID + " " + property), e.getMessage());
    }
}
