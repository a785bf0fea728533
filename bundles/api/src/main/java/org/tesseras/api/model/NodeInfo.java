package org.tesseras.api.model;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * What a node tells others about itself: its id, the Ed25519 public key and proof-of-work nonce the
 * id derives from, the address it listens on, and the capabilities it offers.
 */
public record NodeInfo(NodeId id, byte[] publicKey, long nonce, InetSocketAddress address, Set<String> capabilities) {
    /** Raw Ed25519 public key length in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;

    public NodeInfo {
        Objects.requireNonNull(id, "node id");
        publicKey = Hex.checkLength(publicKey, PUBLIC_KEY_LENGTH, "public key of " + id);
        Objects.requireNonNull(address, "address of " + id);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address of " + id + " must be an IP address, got " + address);
        }
        if (address.getPort() < 1) {
            throw new IllegalArgumentException("port of " + id + " must be 1-65535, got " + address.getPort());
        }
        capabilities = Set.copyOf(Objects.requireNonNull(capabilities, "capabilities of " + id));
    }

    /** A copy of the 32-byte raw Ed25519 public key. */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The same node seen at another address. */
    public NodeInfo withAddress(InetSocketAddress newAddress) {
        return new NodeInfo(id, publicKey, nonce, newAddress, capabilities);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeInfo that && id.equals(that.id) && Arrays.equals(publicKey, that.publicKey)
                && nonce == that.nonce && address.equals(that.address) && capabilities.equals(that.capabilities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(publicKey), nonce, address, capabilities);
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** The network this node counts in for Sybil limits: the IPv4 /24 or IPv6 /48 it connected from or listens on. */
    public String subnet() {
        return Contact.subnetOf(address);
    }
}
