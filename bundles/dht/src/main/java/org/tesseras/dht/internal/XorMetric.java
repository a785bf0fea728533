package org.tesseras.dht.internal;

import java.util.Comparator;
import java.util.Random;

import org.tesseras.api.model.NodeId;

/** Kademlia's XOR metric on 160-bit ids, computed without allocating. */
final class XorMetric {
    private XorMetric() {
    }

    /** Orders ids by XOR distance to {@code target}, nearest first. */
    static Comparator<NodeId> byDistanceTo(NodeId target) {
        return (a, b) -> compareDistances(a, b, target);
    }

    /** Negative when {@code a} is nearer to {@code target} than {@code b}, zero when they are the same id. */
    static int compareDistances(NodeId a, NodeId b, NodeId target) {
        for (int i = 0; i < NodeId.LENGTH; i++) {
            int t = target.byteAt(i);
            int da = a.byteAt(i) ^ t;
            int db = b.byteAt(i) ^ t;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** Leading bits {@code a} and {@code b} share: 160 for equal ids. */
    static int sharedPrefixBits(NodeId a, NodeId b) {
        for (int i = 0; i < NodeId.LENGTH; i++) {
            int x = a.byteAt(i) ^ b.byteAt(i);
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return NodeId.BITS;
    }

    /** A random id sharing exactly {@code prefixBits} leading bits with {@code base}. */
    static NodeId randomIdWithSharedPrefix(NodeId base, int prefixBits, Random random) {
        if (prefixBits < 0 || prefixBits >= NodeId.BITS) {
            throw new IllegalArgumentException("shared prefix must be 0.." + (NodeId.BITS - 1) + " bits, got "
                    + prefixBits);
        }
        byte[] id = base.bytes();
        byte[] noise = new byte[NodeId.LENGTH];
        random.nextBytes(noise);
        int byteIndex = prefixBits / 8;
        int bit = 7 - prefixBits % 8;
        int lowerMask = (1 << bit) - 1;
        int flipped = (id[byteIndex] & 0xff) ^ (1 << bit);
        id[byteIndex] = (byte) ((flipped & ~lowerMask) | (noise[byteIndex] & lowerMask));
        for (int i = byteIndex + 1; i < NodeId.LENGTH; i++) {
            id[i] = noise[i];
        }
        return new NodeId(id);
    }
}
