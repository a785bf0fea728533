package org.tesseras.shell;

import java.util.HexFormat;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.IdentityVerifier;
import org.tesseras.api.port.NodeIdentity;
import org.tesseras.api.port.Transport;

/** {@code tesseras:node}: who this node is; a service that is not running is named in its row. */
@Service
@Command(scope = "tesseras", name = "node", description = "Shows this node's identity, data directory and version")
public class NodeCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    NodeIdentity identity;

    @Reference(optional = true)
    IdentityVerifier verifier;

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    Transport transport;

    @Override
    protected void doExecute() {
        ShellTable table = table(text("Property"), text("Value"));
        if (identity == null) {
            table.addRow().addContent("Identity", "unknown: " + missing(NodeIdentity.class));
        } else {
            table.addRow().addContent("NodeId", identity.nodeId().hex());
            table.addRow().addContent("Public key", HexFormat.of().formatHex(identity.publicKey()));
            table.addRow().addContent("Proof-of-work", identity.powBits() + " leading zero bits (required "
                    + (verifier == null ? "unknown: " + missing(IdentityVerifier.class) : verifier.powDifficulty())
                    + ", nonce " + identity.nonce() + ")");
        }
        if (transport == null) {
            table.addRow().addContent("Peers reach it at", "nowhere: " + missing(Transport.class));
        } else {
            NodeInfo self = transport.localNode();
            table.addRow().addContent("Peers reach it at", self.address().getAddress().getHostAddress() + ":"
                    + self.address().getPort());
        }
        if (identity != null) {
            table.addRow().addContent("Data directory", identity.keyFile().toAbsolutePath().getParent());
        }
        table.addRow().addContent("Version", bundleContext.getBundle().getVersion());
        print(table);
    }
}
