package org.tesseras.api.model;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/** A peer known to hold some fragments of a tessera, and where to reach it. */
public record Holder(NodeId node, InetSocketAddress address, List<Integer> indices) {
    public Holder {
        Objects.requireNonNull(node, "holder node id");
        Objects.requireNonNull(address, "address of holder " + node);
        indices = List.copyOf(Objects.requireNonNull(indices, "indices held by " + node));
    }

    /** How to reach this holder. */
    public Contact contact() {
        return new Contact(node, address);
    }
}
