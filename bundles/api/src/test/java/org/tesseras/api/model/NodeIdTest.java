package org.tesseras.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeIdTest {

    @Test
    void parsesFortyLowercaseHexCharacters() {
        String hex = "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff";
        assertEquals(hex, NodeId.of(hex).hex());
        assertEquals("00ff00ff", NodeId.of(hex).shortHex());
    }

    @Test
    void refusesOtherTexts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeId.of("00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF"));
        assertTrue(e.getMessage().contains("00FF00FF"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeId.of("00ff"));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(new byte[32]));
    }

    @Test
    void countsLeadingZeroBits() {
        byte[] bytes = new byte[20];
        assertEquals(160, new NodeId(bytes).leadingZeroBits());
        bytes[0] = (byte) 0x80;
        assertEquals(0, new NodeId(bytes).leadingZeroBits());
        bytes[0] = 0x01;
        assertEquals(7, new NodeId(bytes).leadingZeroBits());
        bytes[0] = 0;
        bytes[1] = 0x10;
        assertEquals(11, new NodeId(bytes).leadingZeroBits());
    }

    @Test
    void xorIsTheKademliaDistance() {
        NodeId a = NodeId.of("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f");
        NodeId b = NodeId.of("ffffffffffffffffffffffffffffffffffffffff");
        assertEquals(NodeId.of("f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"), a.xor(b));
        assertEquals(160, a.xor(a).leadingZeroBits());
    }
}
