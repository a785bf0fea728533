package org.tesseras.shell;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.tesseras.api.port.DhtPort;
import org.tesseras.api.port.Failures;

/** {@code tesseras:bootstrap host:port}: joins the network through a running node. */
@Service
@Command(scope = "tesseras", name = "bootstrap",
        description = "Joins the network through a running node and reports the routing table size")
public class BootstrapCommand extends TesserasCommandSupport {

    @Argument(index = 0, name = "seed", required = true,
            description = "host:port of a running node ([address]:port for IPv6)")
    String seed;

    @Option(name = "--timeout", description = "Seconds to wait for the join to finish (default 60)")
    long timeoutSeconds = 60;

    @Reference(optional = true)
    DhtPort dht;

    @Override
    protected void doExecute() throws CommandException {
        InetSocketAddress address = parse(seed);
        if (timeoutSeconds < 1) {
            throw failure("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        if (address.isUnresolved()) {
            throw failure("cannot resolve " + address.getHostString() + ": check the seed's host name");
        }
        DhtPort joining = require(dht, DhtPort.class);
        try {
            int peers = joining.bootstrap(address).get(timeoutSeconds, TimeUnit.SECONDS);
            System.out.println("Joined through " + seed + ": " + peers + (peers == 1 ? " peer" : " peers")
                    + " in the routing table");
        } catch (ExecutionException e) {
            throw failure("bootstrap through " + seed + " failed: " + Failures.unwrap(e).getMessage()
                    + "; check that a node listens there, then try again", e);
        } catch (TimeoutException e) {
            throw failure("bootstrap through " + seed + " did not finish within " + timeoutSeconds
                    + " s; it goes on in the background: see tesseras:peers");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("bootstrap through " + seed + " interrupted; it may go on in the background: see"
                    + " tesseras:peers");
        }
    }

    /** {@code host:port} or {@code [ipv6]:port}; the host is resolved here. */
    static InetSocketAddress parse(String text) throws CommandException {
        String usage = "'" + text + "' is not host:port (use [address]:port for IPv6), e.g. tesseras:bootstrap"
                + " 192.0.2.7:7000";
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw failure(usage);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw failure(usage);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw failure(usage);
        }
        if (portNumber < 1 || portNumber > 65535) {
            throw failure("port must be 1-65535, got " + portNumber + " in '" + text + "'");
        }
        return new InetSocketAddress(host, portNumber);
    }
}
