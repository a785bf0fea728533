package org.tesseras.api.model;

import java.net.InetSocketAddress;
import java.util.Objects;

/** How to reach a known node: its id (checked when we connect) and its listening address. */
public record Contact(NodeId id, InetSocketAddress address) {
    public Contact {
        Objects.requireNonNull(id, "contact id");
        Objects.requireNonNull(address, "address of " + id);
    }

    /** The contact part of a node's self-description. */
    public static Contact of(NodeInfo node) {
        return new Contact(node.id(), node.address());
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address.getHostString() + ":" + address.getPort();
    }
}
