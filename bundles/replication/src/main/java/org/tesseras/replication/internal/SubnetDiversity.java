package org.tesseras.replication.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tesseras.api.model.Contact;
import org.tesseras.api.model.NodeInfo;

/** Keeps the holders of one tessera spread: at most a few per IPv4 /24 or IPv6 /48. */
final class SubnetDiversity {
    private final int maxPerSubnet;
    private final Map<String, Integer> used = new HashMap<>();

    SubnetDiversity(int maxPerSubnet) {
        this.maxPerSubnet = maxPerSubnet;
    }

    /** Counts an existing holder against its subnet. */
    void countExisting(InetAddress address) {
        used.merge(Contact.subnetOf(address), 1, Integer::sum);
    }

    /** Whether one more holder fits in {@code address}'s subnet; if so, counts it. */
    boolean admit(InetAddress address) {
        String subnet = Contact.subnetOf(address);
        int count = used.getOrDefault(subnet, 0);
        if (count >= maxPerSubnet) {
            return false;
        }
        used.put(subnet, count + 1);
        return true;
    }

    /** The candidates, in order, that fit: at most {@code maxPerSubnet} per subnet including those already counted. */
    List<NodeInfo> filter(List<NodeInfo> candidates) {
        List<NodeInfo> kept = new ArrayList<>();
        for (NodeInfo candidate : candidates) {
            if (admit(candidate.address().getAddress())) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
