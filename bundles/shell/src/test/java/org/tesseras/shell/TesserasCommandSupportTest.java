package org.tesseras.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.DhtPort;

/** How commands read what the operator typed and how they fail: one line, naming what to do. */
class TesserasCommandSupportTest {

    /** A command whose work is to fail the way {@link #failure} says. */
    @Command(scope = "tesseras", name = "probe")
    static final class Probe extends TesserasCommandSupport {
        Exception failure;
        DhtPort dht;

        @Override
        protected void doExecute() throws Exception {
            require(dht, DhtPort.class);
            throw failure;
        }
    }

    @Test
    void aTesseraHashIsSixtyFourLowercaseHexCharacters() throws CommandException {
        String hex = "ab".repeat(32);
        assertEquals(ContentHash.of(hex), TesserasCommandSupport.tesseraHash(hex));
        for (String bad : new String[] {"ab".repeat(31), "AB".repeat(32), "zz".repeat(32), "", "../etc/passwd"}) {
            CommandException e = assertThrows(CommandException.class, () -> TesserasCommandSupport.tesseraHash(bad));
            assertEquals("'" + bad + "' is not a tessera hash: give its 64 lowercase hex characters (Tab completes the"
                    + " ones held here)", e.getMessage());
        }
    }

    @Test
    void failuresOfTheServiceBecomeOneLineAndOthersAreLeftToKaraf() throws Exception {
        Probe probe = new Probe();
        CommandException missing = assertThrows(CommandException.class, probe::execute);
        assertEquals("tesseras:probe cannot answer: no DhtPort service is running; tesseras:doctor and bundle:list"
                + " show what is down, karaf.log why", missing.getMessage());

        probe.dht = (DhtPort) Proxy.newProxyInstance(DhtPort.class.getClassLoader(),
                new Class<?>[] {DhtPort.class}, (proxy, method, args) -> {
                    throw new AssertionError("not called");
                });
        probe.failure = new IOException("the disk is full\n  at the fragment store;\r\n free some space");
        CommandException io = assertThrows(CommandException.class, probe::execute);
        assertEquals("the disk is full at the fragment store; free some space", io.getMessage());
        assertTrue(io.getCause() instanceof IOException);

        probe.failure = new IllegalArgumentException("too big");
        assertEquals("too big", assertThrows(CommandException.class, probe::execute).getMessage());

        probe.failure = new NullPointerException("a bug");
        assertThrows(NullPointerException.class, probe::execute, "a bug stays a bug, with its stack trace in the log");
    }

    @Test
    void anIncompleteOutcomeIsShownAsItsLineAlone() {
        CommandException e = TesserasCommandSupport.failureLine("INCOMPLETE: 3 of 24\nfragments");
        assertEquals("INCOMPLETE: 3 of 24 fragments", e.getNiceHelp());
        assertEquals("INCOMPLETE: 3 of 24 fragments", e.getMessage());
    }

    @Test
    void aSeedIsHostColonPortOrBracketedIpv6() throws CommandException {
        assertEquals(new InetSocketAddress("127.0.0.1", 7000), BootstrapCommand.parse("127.0.0.1:7000"));
        assertEquals(new InetSocketAddress("::1", 4433), BootstrapCommand.parse("[::1]:4433"));
        for (String bad : new String[] {"example.org", ":7000", "::1:4433", "[::1]4433", "host:port"}) {
            CommandException e = assertThrows(CommandException.class, () -> BootstrapCommand.parse(bad));
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not host:port"), e.getMessage());
        }
        assertEquals("port must be 1-65535, got 0 in 'h:0'",
                assertThrows(CommandException.class, () -> BootstrapCommand.parse("h:0")).getMessage());
    }
}
