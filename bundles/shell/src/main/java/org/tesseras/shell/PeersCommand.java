package org.tesseras.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.tesseras.api.model.NodeInfo;
import org.tesseras.api.model.RoutingEntry;
import org.tesseras.api.port.DhtPort;

/** {@code tesseras:peers}: the DHT routing table, nearest buckets first. */
@Service
@Command(scope = "tesseras", name = "peers",
        description = "Lists the peers in the routing table: NodeId, address, when last heard from, and bucket")
public class PeersCommand extends TesserasCommandSupport {

    @Reference(optional = true)
    DhtPort dht;

    @Override
    protected void doExecute() throws CommandException {
        List<RoutingEntry> entries = require(dht, DhtPort.class).routingTable();
        if (entries.isEmpty()) {
            System.out.println("No peers in the routing table: join a network with tesseras:bootstrap host:port");
            return;
        }
        ShellTable table = table(text("NodeId"), text("Address"), number("Last seen"), number("Bucket"));
        for (RoutingEntry entry : entries) {
            table.addRow().addContent(entry.node().id().hex(), address(entry.node()), Sizes.ago(entry.lastSeen()),
                    entry.bucket());
        }
        print(table);
        System.out.println(entries.size() + (entries.size() == 1 ? " peer" : " peers"));
    }

    private static String address(NodeInfo node) {
        String host = node.address().getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + node.address().getPort();
    }
}
