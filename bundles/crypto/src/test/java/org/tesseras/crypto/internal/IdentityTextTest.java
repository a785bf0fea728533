package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;

class IdentityTextTest {
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Pattern GROUP_LINE = Pattern.compile("([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}");

    private final Hasher hasher = new Blake3Hasher();
    private final Random random = new Random(20240611L);

    private byte[] seed() {
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        random.nextBytes(seed);
        return seed;
    }

    private NodeId nodeIdOf(byte[] seed) {
        return ProofOfWork.nodeIdOf(hasher, Ed25519.rawPublicKey(Ed25519.fromSeed(seed).getPublic()));
    }

    /** The 72 key characters of an export, without separators. */
    private static String keyCharacters(String text) {
        StringBuilder key = new StringBuilder();
        for (String line : text.split("\n")) {
            if (GROUP_LINE.matcher(line).matches()) {
                key.append(line.replace("-", ""));
            }
        }
        return key.toString();
    }

    private static String grouped(String characters) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < characters.length(); i += 4) {
            text.append(i == 0 ? "" : "-").append(characters, i, Math.min(i + 4, characters.length()));
        }
        return text.toString();
    }

    /** The group numbers a message lists after {@code prefix}, as in "probably group 3, 7 or 9)". */
    private static List<Integer> groupsNamed(String message, String prefix) {
        int at = message.indexOf(prefix);
        if (at < 0) {
            return List.of();
        }
        String list = message.substring(at + prefix.length()).replaceAll("\\).*", "");
        List<Integer> groups = new ArrayList<>();
        for (String number : list.split("(, | or )")) {
            groups.add(Integer.parseInt(number.strip()));
        }
        return groups;
    }

    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> IdentityText.decode(text), text).getMessage();
    }

    @Test
    void anExportIsACommentThreeLinesOfSixGroupsAndTheNodeId() {
        byte[] seed = seed();
        NodeId id = nodeIdOf(seed);
        String text = IdentityText.encode(seed, 123_456_789L, id);
        String[] lines = text.split("\n");
        assertEquals(5, lines.length, text);
        assertEquals(IdentityText.COMMENT, lines[0]);
        for (int i = 1; i <= 3; i++) {
            assertTrue(GROUP_LINE.matcher(lines[i]).matches(), lines[i]);
        }
        assertEquals("NodeId " + id.hex(), lines[4]);
        assertEquals(72, keyCharacters(text).length());
    }

    @Test
    void decodingGivesBackSeedNonceAndNodeIdForAnyNonce() {
        for (long nonce : new long[] {0, 1, 255, 1L << 32, 987_654_321_012L, Long.MAX_VALUE}) {
            byte[] seed = seed();
            NodeId id = nodeIdOf(seed);
            IdentityText.Key key = IdentityText.decode(IdentityText.encode(seed, nonce, id));
            assertArrayEquals(seed, key.seed());
            assertEquals(nonce, key.nonce());
            assertEquals(Optional.of(id), key.nodeIdWritten());
        }
    }

    @Test
    void readingIgnoresCaseSpacesLineBreaksAndTakesILOForDigits() {
        byte[] seed = seed();
        String text = IdentityText.encode(seed, 42, nodeIdOf(seed));
        String characters = keyCharacters(text);
        List<String> variants = List.of(
                characters,
                characters.toLowerCase(Locale.ROOT),
                grouped(characters).replace('-', ' '),
                grouped(characters).replace("-", "\r\n  "),
                "  " + grouped(characters).toLowerCase(Locale.ROOT) + "\n\n",
                characters.replace('1', 'I').replace('0', 'O'),
                characters.replace('1', 'l').replace('0', 'o'),
                characters.replace('1', 'L'),
                "# any comment\n" + grouped(characters) + "\nnode id: "
                        + nodeIdOf(seed).hex().toUpperCase(Locale.ROOT),
                grouped(characters) + " NodeId=" + nodeIdOf(seed).hex(),
                text.replace('\n', ' '),
                text.replace("\n", "\r\n"));
        for (String variant : variants) {
            IdentityText.Key key = IdentityText.decode(variant);
            assertArrayEquals(seed, key.seed(), variant);
            assertEquals(42, key.nonce(), variant);
        }
        assertTrue(characters.chars().anyMatch(c -> c == '0' || c == '1'), "the variants above test something");
    }

    @Test
    void everySingleMistypedCharacterIsRefusedNamingItsGroup() {
        byte[] seed = seed();
        String characters = keyCharacters(IdentityText.encode(seed, 77_777, nodeIdOf(seed)));
        int refused = 0;
        for (int p = 0; p < characters.length(); p++) {
            for (char c : ALPHABET.toCharArray()) {
                if (c == characters.charAt(p)) {
                    continue;
                }
                String typo = characters.substring(0, p) + c + characters.substring(p + 1);
                String message = refusal(grouped(typo));
                assertTrue(message.contains("character " + (p % 4 + 1) + " of group " + (p / 4 + 1) + " looks"),
                        "position " + p + ": " + message);
                refused++;
            }
        }
        assertEquals(72 * 31, refused);
    }

    @Test
    void everySwappedAdjacentPairIsRefusedNamingWhere() {
        byte[] seed = seed();
        long nonce = random.nextLong() >>> 1;
        String characters = keyCharacters(IdentityText.encode(seed, nonce, nodeIdOf(seed)));
        int refused = 0;
        for (int p = 0; p + 1 < characters.length(); p++) {
            if (characters.charAt(p) == characters.charAt(p + 1)) {
                continue;
            }
            String swapped = characters.substring(0, p) + characters.charAt(p + 1) + characters.charAt(p)
                    + characters.substring(p + 2);
            String message = refusal(grouped(swapped));
            int group = p / 4 + 1;
            String where = p % 4 == 3
                    ? "the last character of group " + group + " and the first of group " + (group + 1)
                    : "characters " + (p % 4 + 1) + " and " + (p % 4 + 2) + " of group " + group;
            assertTrue(message.contains(where + " look swapped"), "position " + p + ": " + message);
            refused++;
        }
        assertTrue(refused >= 50, refused + " swaps tried");
    }

    @Test
    void eachMissingGroupIsRefusedAndLocated() {
        byte[] seed = seed();
        String characters = keyCharacters(IdentityText.encode(seed, 9, nodeIdOf(seed)));
        for (int group = 0; group < 18; group++) {
            String missing = characters.substring(0, group * 4) + characters.substring(group * 4 + 4);
            for (String text : List.of(grouped(missing), missing)) {
                String message = refusal(text);
                assertTrue(message.contains("a group is missing"), message);
                assertTrue(groupsNamed(message, "probably group ").contains(group + 1),
                        "group " + (group + 1) + ": " + message);
            }
        }
    }

    @Test
    void aGroupTypedTwiceAMissingOrAnExtraCharacterIsRefused() {
        byte[] seed = seed();
        String characters = keyCharacters(IdentityText.encode(seed, 9, nodeIdOf(seed)));
        String doubled = characters.substring(0, 24) + characters.substring(20);
        assertTrue(refusal(grouped(doubled)).contains("a group too many"));
        for (int p = 0; p < characters.length(); p++) {
            String missing = characters.substring(0, p) + characters.substring(p + 1);
            String message = refusal(missing);
            assertTrue(message.contains("a character is missing")
                    && groupsNamed(message, "in group ").contains(p / 4 + 1), "position " + p + ": " + message);
            String extra = characters.substring(0, p) + 'X' + characters.substring(p);
            assertTrue(refusal(extra).contains("a character too many"), refusal(extra));
        }
        String[] groups = grouped(characters).split("-");
        groups[6] = groups[6].substring(0, 3);
        assertTrue(refusal(String.join("-", groups)).contains("group 7 does not have 4 characters"));
    }

    @Test
    void anyTwoToFourWrongCharactersAreRefused() {
        byte[] seed = seed();
        String characters = keyCharacters(IdentityText.encode(seed, 31_337, nodeIdOf(seed)));
        for (int trial = 0; trial < 20_000; trial++) {
            char[] typo = characters.toCharArray();
            Set<Integer> positions = new HashSet<>();
            int errors = 2 + random.nextInt(3);
            while (positions.size() < errors) {
                positions.add(random.nextInt(typo.length));
            }
            for (int p : positions) {
                char c;
                do {
                    c = ALPHABET.charAt(random.nextInt(32));
                } while (c == typo[p]);
                typo[p] = c;
            }
            String text = new String(typo);
            assertThrows(IllegalArgumentException.class, () -> IdentityText.decode(text), positions.toString());
        }
    }

    @Test
    void foreignCharactersAndGarbageAreRefusedWithoutEchoingTheKey() {
        byte[] seed = seed();
        String text = IdentityText.encode(seed, 1, nodeIdOf(seed));
        String characters = keyCharacters(text);
        List<String> bad = new ArrayList<>();
        bad.add(characters.substring(0, 30) + 'U' + characters.substring(31));
        bad.add(characters.substring(0, 30) + '*' + characters.substring(31));
        bad.add(characters.substring(0, 30) + 'é' + characters.substring(31));
        bad.add("");
        bad.add("# only a comment");
        bad.add(text.replace("NodeId ", "NodeId: 12"));
        bad.add(text + "NodeId " + nodeIdOf(seed()).hex());
        for (String garbage : bad) {
            String message = refusal(garbage);
            for (int g = 0; g < 72; g += 4) {
                assertFalse(message.contains(characters.substring(g, g + 4)), message);
            }
        }
        assertTrue(refusal(bad.get(0)).startsWith("group 8 has 'U'"), refusal(bad.get(0)));
    }

    @Test
    void aKeyOfAnotherFormatIsRefused() {
        byte[] seed = seed();
        NodeId id = nodeIdOf(seed);
        assertTrue(refusal(IdentityText.encode(2, seed, 1, id)).contains("format 2"));
    }

    @Test
    void aSeedGivesTheSameKeyPairAsBouncyCastleDerivesAndTheJdkSigns() {
        for (int i = 0; i < 50; i++) {
            byte[] seed = seed();
            var pair = Ed25519.fromSeed(seed);
            byte[] expected = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            assertArrayEquals(expected, Ed25519.rawPublicKey(pair.getPublic()));
            assertArrayEquals(seed, Ed25519.seed(pair.getPrivate()));
            byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
            assertTrue(Ed25519.verify(expected, message, Ed25519.sign(pair.getPrivate(), message)));
        }
        assertThrows(IllegalArgumentException.class, () -> Ed25519.fromSeed(new byte[31]));
    }
}
