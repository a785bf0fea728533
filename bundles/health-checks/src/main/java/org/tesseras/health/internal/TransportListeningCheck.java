package org.tesseras.health.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.tesseras.api.port.Transport;

/**
 * The transport runs and its port takes connections: at the address it announces to peers, or at least on this
 * machine. The probe opens a TCP connection and closes it (the transport logs the aborted TLS handshake at INFO).
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + TransportListeningCheck.NAME,
    HealthCheck.TAGS + "=" + NodeCheck.TAG, HealthCheck.TAGS + "=network",
    HealthCheck.MBEAN_NAME + "=tesseras-transport"})
public final class TransportListeningCheck extends NodeCheck {
    static final String NAME = "Transport listening";
    static final int CONNECT_TIMEOUT_MILLIS = 2000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Transport transport;

    @Override
    Finding examine() {
        Transport running = transport;
        if (running == null) {
            return judge(null, false, false);
        }
        InetSocketAddress announced = running.localNode().address();
        boolean announcedAccepts = accepts(announced);
        boolean loopbackAccepts = announcedAccepts
                || accepts(new InetSocketAddress(InetAddress.getLoopbackAddress(), announced.getPort()));
        return judge(announced, announcedAccepts, loopbackAccepts);
    }

    static Finding judge(InetSocketAddress announced, boolean announcedAccepts, boolean loopbackAccepts) {
        if (announced == null) {
            return Finding.critical("The transport is not running: peers cannot reach this node and it reaches none",
                    "Check that bundle tesseras-transport-netty is Active (bundle:list) and read the node log: a"
                            + " busy listenPort or a bad value in etc/org.tesseras.transport.cfg stops it");
        }
        String where = announced.getAddress().getHostAddress() + ":" + announced.getPort();
        if (announcedAccepts) {
            return Finding.ok("Peers can connect at " + where);
        }
        if (loopbackAccepts) {
            return Finding.warn("The transport listens on this machine, but " + where
                    + " (the address announced to peers) takes no connection",
                    "Check listenHost and advertisedHost in etc/org.tesseras.transport.cfg, the firewall and any"
                            + " port forwarding to port " + announced.getPort());
        }
        return Finding.critical("The transport runs but port " + announced.getPort() + " takes no connection at "
                + where + " nor on this machine",
                "Restart the transport (bundle:restart tesseras-transport-netty) and read the node log");
    }

    /** Whether a TCP connection to {@code address} opens within {@value #CONNECT_TIMEOUT_MILLIS} ms. */
    static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
