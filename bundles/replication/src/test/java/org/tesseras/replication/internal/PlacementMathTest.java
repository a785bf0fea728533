package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.PlacementReport;
import org.tesseras.api.model.RefusalReason;

/** Round-robin slots, survivable losses as placed, and the repair schedule. */
class PlacementMathTest {
    static final ContentHash HASH = new ContentHash(new byte[32]);

    @Test
    void aRepairNoteSaysWhyPeersRefused() {
        NodeId a = new NodeId(new byte[20]);
        byte[] bBytes = new byte[20];
        bBytes[0] = 1;
        NodeId b = new NodeId(bBytes);
        byte[] cBytes = new byte[20];
        cBytes[0] = 2;
        NodeId c = new NodeId(cBytes);
        assertEquals("", Repairer.refusalSummary(List.of()));
        assertEquals(" (refused by 1 peer: 1 DEFICIT)", Repairer.refusalSummary(List.of(
                new PlacementReport.Refusal(a, Optional.of(RefusalReason.DEFICIT), "owes too much"))));
        assertEquals(" (refused by 3 peers: 2 DEFICIT, 1 failed)", Repairer.refusalSummary(List.of(
                new PlacementReport.Refusal(a, Optional.of(RefusalReason.DEFICIT), ""),
                new PlacementReport.Refusal(b, Optional.empty(), "connection refused"),
                new PlacementReport.Refusal(c, Optional.of(RefusalReason.DEFICIT), ""))));
    }

    @Test
    void roundRobinSpreadsIndicesOverSlots() {
        List<List<Integer>> slots = Placement.roundRobin(IntStream.range(0, 24).boxed().toList(), 7);
        assertEquals(List.of(0, 7, 14, 21), slots.get(0));
        assertEquals(List.of(3, 10, 17), slots.get(3));
        assertEquals(24, slots.stream().mapToInt(List::size).sum());
    }

    @Test
    void survivableLossesCountTheFullestPeersFirst() {
        FragmentPlan plan = FragmentPlan.of(HASH, 1 << 20, FragmentationTier.MEDIUM, 16, 8, 7);
        Map<NodeId, List<Integer>> placed = new LinkedHashMap<>();
        List<List<Integer>> slots = Placement.roundRobin(IntStream.range(0, 24).boxed().toList(), 7);
        for (int i = 0; i < slots.size(); i++) {
            byte[] id = new byte[20];
            id[0] = (byte) i;
            placed.put(new NodeId(id), slots.get(i));
        }
        assertEquals(2, Replicator.survivablePeerLosses(plan, placed));

        FragmentPlan small = FragmentPlan.of(HASH, 100, FragmentationTier.SMALL, 1, 0, 7);
        Map<NodeId, List<Integer>> copies = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            byte[] id = new byte[20];
            id[0] = (byte) i;
            copies.put(new NodeId(id), List.of(0));
        }
        assertEquals(3, Replicator.survivablePeerLosses(small, copies));
    }

    static org.tesseras.api.model.Contact contact(int n) {
        byte[] id = new byte[20];
        id[19] = (byte) n;
        return new org.tesseras.api.model.Contact(new NodeId(id), new java.net.InetSocketAddress("127.0.0.1", 4000 + n));
    }

    static org.tesseras.api.model.HolderStatus holder(int n, List<Integer> indices) {
        org.tesseras.api.model.Contact c = contact(n);
        return new org.tesseras.api.model.HolderStatus(new org.tesseras.api.model.Holder(c.id(), c.address(), indices),
                java.util.Optional.empty(), java.util.Optional.empty(), 0);
    }

    @Test
    void repairSpreadsMissingFragmentsWithinEachPeersShareNewPeersFirst() {
        FragmentPlan plan = FragmentPlan.of(HASH, 1 << 20, FragmentationTier.MEDIUM, 16, 8, 7);
        List<Integer> missing = List.of(0, 7, 14, 21, 1, 8, 15, 22);
        List<org.tesseras.api.model.HolderStatus> live = List.of(holder(3, List.of(2, 9, 16, 23)),
                holder(4, List.of(3, 10, 17)), holder(5, List.of(4, 11, 18)));
        java.util.List<org.tesseras.api.model.Contact> targets = new java.util.ArrayList<>();
        List<List<Integer>> slots = new java.util.ArrayList<>();
        Repairer.spread(plan, missing, List.of(contact(9)), live, targets, slots, new java.util.ArrayList<>());
        // share = ceil(24 / 7) = 4: the new peer takes 4, the holders with 3 take 1 each, the rest goes above share
        assertEquals(contact(9), targets.get(0));
        assertEquals(List.of(0, 7, 14, 21), slots.get(0).subList(0, 4));
        assertEquals(3, targets.size(), "the full holder takes nothing while others have room");
        assertEquals(8, slots.stream().mapToInt(List::size).sum());

        List<List<Integer>> roomySlots = new java.util.ArrayList<>();
        Repairer.spread(plan, missing.subList(0, 4), List.of(contact(9), contact(10)), live,
                new java.util.ArrayList<>(), roomySlots, new java.util.ArrayList<>());
        assertEquals(List.of(List.of(0, 7, 14, 21)), roomySlots, "enough room on one new peer: holders untouched");
    }
}
