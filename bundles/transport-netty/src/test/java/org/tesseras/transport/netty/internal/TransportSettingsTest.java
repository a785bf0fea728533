package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {

    @Test
    void defaultsAreValid() {
        TransportSettings settings = TransportSettings.from(TestNodes.annotation(TransportConfiguration.class,
                Map.of()));
        assertEquals(4433, settings.listenPort());
        assertTrue(settings.listenAddress().isAnyLocalAddress());
        assertEquals(65536, settings.maxFrameBytes());
        assertEquals(262144, settings.chunkBytes());
        assertEquals(5000, settings.rpcTimeoutMillis());
        assertTrue(settings.advertisedAddress().isEmpty());
    }

    @Test
    void anAdvertisedHostIsAnnounced() {
        TransportSettings settings = TransportSettings.from(TestNodes.config(Map.of("advertisedHost", "127.0.0.2")));
        assertEquals("127.0.0.2", settings.announcedAddress().getHostAddress());
        TransportSettings plain = TransportSettings.from(TestNodes.config(Map.of()));
        assertEquals(InetAddress.getLoopbackAddress(), plain.announcedAddress());
    }

    @ParameterizedTest
    @CsvSource({
        "listenPort, 70000",
        "listenPort, -1",
        "maxFrameBytes, 100",
        "maxFrameBytes, 1000000",
        "chunkBytes, 10",
        "chunkBytes, 2000000",
        "maxConcurrentStreamsPerPeer, 0",
        "connectionsPerPeer, 0",
        "idleTimeoutSeconds, 0",
    })
    void outOfRangeIntegersAreRefusedNamingTheProperty(String property, int value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(TestNodes.config(Map.of(property, value))));
        assertTrue(e.getMessage().contains(property) && e.getMessage().contains(String.valueOf(value)),
                e.getMessage());
        assertTrue(e.getMessage().contains(TransportConfiguration.PID), e.getMessage());
    }

    @Test
    void aTooShortRpcTimeoutIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(TestNodes.config(Map.of("rpcTimeoutMillis", 0L))));
        assertTrue(e.getMessage().contains("rpcTimeoutMillis"), e.getMessage());
    }

    @Test
    void unresolvableHostsAreRefusedNamingTheProperty() {
        IllegalArgumentException listen = assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(TestNodes.config(Map.of("listenHost", "[::1"))));
        assertTrue(listen.getMessage().contains("listenHost"), listen.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(TestNodes.config(Map.of("listenHost", " "))));
        assertTrue(blank.getMessage().contains("listenHost"), blank.getMessage());
        IllegalArgumentException wildcard = assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(TestNodes.config(Map.of("advertisedHost", "0.0.0.0"))));
        assertTrue(wildcard.getMessage().contains("advertisedHost"), wildcard.getMessage());
    }
}
