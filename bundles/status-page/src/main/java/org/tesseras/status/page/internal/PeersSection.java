package org.tesseras.status.page.internal;

import java.util.List;

import org.tesseras.api.model.RoutingEntry;

/** The DHT routing table, nearest buckets first: {@code tesseras:peers}. */
final class PeersSection implements StatusSection {

    @Override
    public String id() {
        return "peers";
    }

    @Override
    public String title() {
        return "Peers";
    }

    @Override
    public void render(NodeView node, Html html) {
        if (node.dht().isEmpty()) {
            html.paragraph("warn", "The DHT is not running (bundle tesseras-dht).");
            return;
        }
        List<RoutingEntry> entries = node.dht().get().routingTable();
        if (entries.isEmpty()) {
            html.paragraph("warn", "No peers in the routing table: join a network with tesseras:bootstrap host:port.");
            return;
        }
        html.paragraph(null, entries.size() + (entries.size() == 1 ? " peer" : " peers") + ".");
        html.table("NodeId", "Address", "Last seen", "Bucket");
        for (RoutingEntry entry : entries) {
            html.row(new Html.Cell("hash", entry.node().id().hex()), NodeSection.address(entry.node()),
                    Units.ago(entry.lastSeen(), node.now()), entry.bucket());
        }
        html.endTable();
    }
}
