package org.tesseras.api.model;

import java.net.Inet4Address;
import java.net.InetAddress;
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

    /** The network this contact counts in for holder diversity: its IPv4 /24 or IPv6 /48. */
    public String subnet() {
        return subnetOf(address);
    }

    /** The IPv4 /24 or IPv6 /48 of {@code address}; an unresolved address counts by its host name. */
    public static String subnetOf(InetSocketAddress address) {
        return address.isUnresolved() ? address.getHostString() : subnetOf(address.getAddress());
    }

    /** The IPv4 /24 or IPv6 /48 of {@code ip}, e.g. {@code 192.168.7.0/24}. */
    public static String subnetOf(InetAddress ip) {
        Objects.requireNonNull(ip, "address");
        byte[] bytes = ip.getAddress();
        if (ip instanceof Inet4Address) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0/24";
        }
        return String.format("%x:%x:%x::/48", ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff),
                ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff), ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff));
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address.getHostString() + ":" + address.getPort();
    }
}
