package org.tesseras.shell;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.tesseras.api.port.DhtPort;

/** {@code tesseras:bootstrap host:port}: joins the network through a running node. */
@Service
@Command(scope = "tesseras", name = "bootstrap",
        description = "Joins the network through a running node and reports the routing table size")
public class BootstrapCommand implements Action {

    @Argument(index = 0, name = "seed", required = true,
            description = "host:port of a running node ([address]:port for IPv6)")
    String seed;

    @Option(name = "--timeout", description = "Seconds to wait for the join to finish (default 60)")
    long timeoutSeconds = 60;

    @Reference
    DhtPort dht;

    @Override
    public Object execute() {
        InetSocketAddress address;
        try {
            address = parse(seed);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return null;
        }
        if (address.isUnresolved()) {
            System.err.println("Cannot resolve " + address.getHostString() + ": check the seed's host name");
            return null;
        }
        try {
            int peers = dht.bootstrap(address).get(timeoutSeconds, TimeUnit.SECONDS);
            System.out.println("Joined through " + seed + ": " + peers + (peers == 1 ? " peer" : " peers")
                    + " in the routing table");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            System.err.println("Bootstrap through " + seed + " failed: " + cause.getMessage()
                    + ". Check that a node listens there, then try again.");
        } catch (TimeoutException e) {
            System.err.println("Bootstrap through " + seed + " did not finish within " + timeoutSeconds
                    + " s; it goes on in the background: see tesseras:peers");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("Bootstrap through " + seed + " interrupted");
        }
        return null;
    }

    /** {@code host:port} or {@code [ipv6]:port}; the host is resolved here. */
    static InetSocketAddress parse(String text) {
        String usage = "'" + text + "' is not host:port (use [address]:port for IPv6), e.g. tesseras:bootstrap 192.0.2.7:7000";
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException(usage);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException(usage);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage);
        }
        if (portNumber < 1 || portNumber > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + portNumber + " in '" + text + "'");
        }
        return new InetSocketAddress(host, portNumber);
    }
}
