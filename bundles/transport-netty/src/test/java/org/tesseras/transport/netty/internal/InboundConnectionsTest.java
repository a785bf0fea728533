package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;

class InboundConnectionsTest {

    /** A channel from {@code host}, without a socket. */
    private static EmbeddedChannel from(String host) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(host), 40_000);
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    /** A connection whose state the test sets. */
    private static final class FakeOccupant implements InboundConnections.Occupant {
        final boolean busy;
        final boolean helloDone;
        final long lastFrameNanos;
        String closeReason;

        FakeOccupant(boolean busy, boolean helloDone, long lastFrameNanos) {
            this.busy = busy;
            this.helloDone = helloDone;
            this.lastFrameNanos = lastFrameNanos;
        }

        @Override
        public boolean hasWorkUnderWay() {
            return busy;
        }

        @Override
        public long lastFrameNanos() {
            return lastFrameNanos;
        }

        @Override
        public boolean helloDone() {
            return helloDone;
        }

        @Override
        public void noteCloseReason(String reason) {
            closeReason = reason;
        }
    }

    @Test
    void anIpv4AddressCountsAsItselfAlsoWhenWrittenAsIpv4MappedIpv6() throws Exception {
        assertEquals("192.0.2.7", InboundConnections.addressKey(InetAddress.getByName("192.0.2.7")));
        assertNotEquals(InboundConnections.addressKey(InetAddress.getByName("192.0.2.7")),
                InboundConnections.addressKey(InetAddress.getByName("192.0.2.8")));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress mappedAddress = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(mappedAddress instanceof Inet6Address, "the test needs an address Java keeps as IPv6");
        assertEquals("192.0.2.7", InboundConnections.addressKey(mappedAddress));
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() throws Exception {
        String key = InboundConnections.addressKey(InetAddress.getByName("2001:db8:1:2:aaaa::1"));
        assertEquals(key, InboundConnections.addressKey(InetAddress.getByName("2001:db8:1:2:bbbb:cccc:dddd:9")));
        assertNotEquals(key, InboundConnections.addressKey(InetAddress.getByName("2001:db8:1:3::1")));
        assertTrue(key.endsWith("/64"), key);
    }

    @Test
    void oneSlash64HoldsAtMostItsShareHoweverManyAddressesItUses() throws Exception {
        InboundConnections connections = new InboundConnections(100, 2);
        assertTrue(connections.admit(from("2001:db8:1:2::1"), new FakeOccupant(true, true, 0)));
        assertTrue(connections.admit(from("2001:db8:1:2::2"), new FakeOccupant(true, true, 0)));
        assertFalse(connections.admit(from("2001:db8:1:2:ffff::3"), new FakeOccupant(false, false, 0)),
                "a third busy-held address of the same /64 is refused");
        assertTrue(connections.admit(from("2001:db8:1:3::1"), new FakeOccupant(false, false, 0)),
                "another /64 is another host");
        assertEquals(3, connections.size());
    }

    @Test
    void aConnectionThatHasNotSaidHelloIsClosedToMakeRoomBeforeAnOlderProvenOne() throws Exception {
        InboundConnections connections = new InboundConnections(2, 16);
        EmbeddedChannel proven = from("192.0.2.1");
        EmbeddedChannel anonymous = from("192.0.2.2");
        FakeOccupant provenPeer = new FakeOccupant(false, true, 1_000);
        FakeOccupant anonymousPeer = new FakeOccupant(false, false, 2_000);
        assertTrue(connections.admit(proven, provenPeer));
        assertTrue(connections.admit(anonymous, anonymousPeer));

        assertTrue(connections.admit(from("192.0.2.3"), new FakeOccupant(false, false, 3_000)));
        assertFalse(anonymous.isOpen(), "the connection without a Hello made room");
        assertTrue(anonymousPeer.closeReason.contains("make room"), anonymousPeer.closeReason);
        assertTrue(proven.isOpen(), "the proven peer stays, though it is older");
        assertEquals(2, connections.size());
    }

    @Test
    void aConnectionClosedToMakeRoomIsClosedEvenBeforeItsHandlersAreAdded() throws Exception {
        InboundConnections connections = new InboundConnections(16, 2);
        EmbeddedChannel first = from("192.0.2.1");
        assertTrue(connections.admit(first, new FakeOccupant(false, false, 0)));
        assertTrue(connections.admit(from("192.0.2.1"), new FakeOccupant(false, false, 1)));
        assertTrue(connections.admit(from("192.0.2.1"), new FakeOccupant(false, false, 2)));
        assertFalse(first.isOpen(), "the channel itself is closed, so no open connection escapes the count");
        assertEquals(2, connections.size());
    }
}
