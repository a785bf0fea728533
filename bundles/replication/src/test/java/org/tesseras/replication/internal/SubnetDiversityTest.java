package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.NodeInfo;

class SubnetDiversityTest {

    static NodeInfo node(int n, String ip) throws Exception {
        byte[] id = new byte[20];
        id[19] = (byte) n;
        return new NodeInfo(new NodeId(id), new byte[32], 0, new InetSocketAddress(InetAddress.getByName(ip), 4433),
                Set.of());
    }

    @Test
    void threePeersInOneSlash24KeepTwo() throws Exception {
        List<NodeInfo> candidates = List.of(node(1, "192.168.1.10"), node(2, "192.168.1.20"), node(3, "192.168.1.30"));
        assertEquals(candidates.subList(0, 2), new SubnetDiversity(2).filter(candidates));
    }

    @Test
    void peersInDifferentSlash24sAreAllKept() throws Exception {
        List<NodeInfo> candidates = List.of(node(1, "192.168.1.10"), node(2, "192.168.2.10"), node(3, "10.0.3.1"));
        assertEquals(candidates, new SubnetDiversity(2).filter(candidates));
    }

    @Test
    void ipv6CountsBySlash48() throws Exception {
        List<NodeInfo> candidates = List.of(node(1, "2001:db8:1:1::1"), node(2, "2001:db8:1:2::1"),
                node(3, "2001:db8:1:ffff::9"), node(4, "2001:db8:2::1"));
        assertEquals(List.of(candidates.get(0), candidates.get(1), candidates.get(3)),
                new SubnetDiversity(2).filter(candidates));
    }

    @Test
    void existingHoldersCountAgainstTheirSubnet() throws Exception {
        SubnetDiversity diversity = new SubnetDiversity(2);
        diversity.countExisting(InetAddress.getByName("192.168.1.1"));
        List<NodeInfo> candidates = List.of(node(1, "192.168.1.10"), node(2, "192.168.1.20"), node(3, "10.1.1.1"));
        assertEquals(List.of(candidates.get(0), candidates.get(2)), diversity.filter(candidates));
    }
}
