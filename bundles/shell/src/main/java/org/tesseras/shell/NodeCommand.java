package org.tesseras.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.Transport;

/** {@code tesseras:node}: who this node is. */
@Service
@Command(scope = "tesseras", name = "node", description = "Shows this node's identity, data directory and version")
public class NodeCommand implements Action {

    @Reference
    NodeIdentity identity;

    @Reference
    IdentityVerifier verifier;

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    Transport transport;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Property");
        table.column("Value");
        table.addRow().addContent("NodeId", identity.nodeId().hex());
        table.addRow().addContent("Public key", java.util.HexFormat.of().formatHex(identity.publicKey()));
        table.addRow().addContent("Proof-of-work", identity.powBits() + " leading zero bits (required "
                + verifier.powDifficulty() + ", nonce " + identity.nonce() + ")");
        table.addRow().addContent("Peers reach it at", transport == null ? "(no transport running)"
                : transport.localNode().address().getAddress().getHostAddress() + ":"
                        + transport.localNode().address().getPort());
        table.addRow().addContent("Data directory", identity.keyFile().toAbsolutePath().getParent());
        table.addRow().addContent("Version", bundleContext.getBundle().getVersion());
        table.print(System.out);
        return null;
    }
}
