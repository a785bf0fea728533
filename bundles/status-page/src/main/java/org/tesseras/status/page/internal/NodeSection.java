package org.tesseras.status.page.internal;

import java.util.HexFormat;

import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.port.NodeIdentity;

/** Who this node is: the facts of {@code tesseras:node}. */
final class NodeSection implements StatusSection {

    @Override
    public String id() {
        return "node";
    }

    @Override
    public String title() {
        return "Node";
    }

    @Override
    public void render(NodeView node, Html html) {
        if (node.identity().isEmpty()) {
            html.paragraph("warn", "The node identity is not available (bundle tesseras-crypto is not running).");
            return;
        }
        NodeIdentity identity = node.identity().get();
        html.table("Property", "Value");
        html.row("NodeId", new Html.Cell("hash", identity.nodeId().hex()));
        html.row("Public key", new Html.Cell("hash", HexFormat.of().formatHex(identity.publicKey())));
        html.row("Proof-of-work", identity.powBits() + " leading zero bits"
                + node.verifier().map(verifier -> " (required " + verifier.powDifficulty() + ")").orElse("")
                + ", nonce " + identity.nonce());
        html.row("Peers reach it at", node.transport().map(transport -> address(transport.localNode()))
                .orElse("(no transport running)"));
        html.row("Data directory", identity.keyFile().toAbsolutePath().getParent());
        html.row("Version", node.version());
        html.endTable();
    }

    static String address(NodeInfo node) {
        String host = node.address().getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + node.address().getPort();
    }
}
