package org.tesseras.api.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentHashTest {
    private static final String HELLO = "ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f";

    @Test
    void parsesAndPrintsLowercaseHex() {
        ContentHash hash = ContentHash.of(HELLO);
        assertEquals(HELLO, hash.hex());
        assertEquals(HELLO, hash.toString());
        assertEquals(0xea, hash.bytes()[0] & 0xff);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "EA8F163DB38682925E4491C5E58D4BB3506EF8C14EB78A86E908C5624A67200F", // uppercase
        "ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200", // 63 chars
        "ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f0", // 65 chars
        "ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200g", // not hex
        "../../../../../../../../../../../../../../../../../../../etc/pass", // a path
        "", " ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a6720 "})
    void refusesAnythingButSixtyFourLowercaseHexCharacters(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContentHash.of(bad));
        assertTrue(e.getMessage().contains(bad.length() > 80 ? bad.substring(0, 20) : bad),
                "message names the bad value: " + e.getMessage());
        assertFalse(ContentHash.isValid(bad));
    }

    @Test
    void refusesNullAndWrongLengthBytes() {
        assertThrows(IllegalArgumentException.class, () -> ContentHash.of(null));
        assertThrows(IllegalArgumentException.class, () -> new ContentHash(null));
        assertThrows(IllegalArgumentException.class, () -> new ContentHash(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new ContentHash(new byte[33]));
    }

    @Test
    void isImmutable() {
        byte[] raw = new byte[32];
        ContentHash hash = new ContentHash(raw);
        raw[0] = 1;
        assertEquals(0, hash.bytes()[0]);
        hash.bytes()[1] = 1;
        assertEquals(0, hash.bytes()[1]);
    }

    @Test
    void comparesByValue() {
        assertEquals(ContentHash.of(HELLO), ContentHash.of(HELLO));
        assertEquals(ContentHash.of(HELLO).hashCode(), ContentHash.of(HELLO).hashCode());
        assertNotEquals(ContentHash.of(HELLO), new ContentHash(new byte[32]));
        assertTrue(new ContentHash(new byte[32]).compareTo(ContentHash.of(HELLO)) < 0);
    }

    @Test
    void dhtKeyIsTheFirstTwentyBytes() {
        ContentHash hash = ContentHash.of(HELLO);
        assertArrayEquals(java.util.Arrays.copyOf(hash.bytes(), 20), hash.dhtKey().bytes());
    }
}
