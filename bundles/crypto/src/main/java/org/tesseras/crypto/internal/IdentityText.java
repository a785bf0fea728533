package org.tesseras.crypto.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tesseras.api.model.NodeId;

/**
 * An identity key as text an owner can write down: a format byte, the 32-byte Ed25519 seed and the proof-of-work
 * nonce (8 bytes, big-endian) in Crockford base32, then six check characters: 72 characters in 18 groups of four,
 * six groups a line, the NodeId on a line of its own. The check characters are the BCH code of Bech32m (BIP 350)
 * over the characters, which refuses for sure any text that differs from a valid one in at most four characters,
 * so a mistyped character or a swapped pair always, and lets the refusal say where the mistake probably is.
 * Reading is lenient: any case, spaces, dashes and line breaks anywhere, I and L read as 1, O as 0, and lines
 * starting with {@code #} are comments; the NodeId may follow the key on the same line.
 */
final class IdentityText {
    /** The format this class writes; the first byte of the payload. */
    static final int FORMAT = 1;
    static final int GROUP_LENGTH = 4;
    static final int GROUPS = 18;
    static final int GROUPS_PER_LINE = 6;
    static final int SYMBOLS = GROUPS * GROUP_LENGTH;

    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int PAYLOAD_BYTES = 1 + Ed25519.SEED_LENGTH + Long.BYTES;
    private static final int CHECK_SYMBOLS = 6;
    private static final int DATA_SYMBOLS = SYMBOLS - CHECK_SYMBOLS;
    /** Bits of padding after the payload in the data symbols; they must be zero. */
    private static final int PAD_BITS = DATA_SYMBOLS * 5 - PAYLOAD_BYTES * 8;
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private static final int BECH32M = 0x2bc830a3;
    /** What the checksum starts from: the Bech32 expansion of the prefix "tesseras", so no other text checks out. */
    private static final int PREFIX_STATE;
    /** {@code EFFECT[p][b]}: how flipping bit {@code b} of the symbol at position {@code p} changes the checksum. */
    private static final int[][] EFFECT = new int[SYMBOLS][5];
    /** "NodeId" and what follows it up to a space, on a line of its own or after the key on one line. */
    private static final Pattern NODE_ID = Pattern.compile("(?i)\\bnode\\s*id\\b\\s*[:=]?\\s*(\\S*)");
    static final String COMMENT = "# Tesseras identity key: keep it secret, whoever has it is this node";

    static {
        String prefix = "tesseras";
        int state = 1;
        for (char c : prefix.toCharArray()) {
            state = step(state, c >> 5);
        }
        state = step(state, 0);
        for (char c : prefix.toCharArray()) {
            state = step(state, c & 31);
        }
        PREFIX_STATE = state;
        for (int bit = 0; bit < 5; bit++) {
            int effect = 1 << bit;
            for (int p = SYMBOLS - 1; p >= 0; p--) {
                EFFECT[p][bit] = effect;
                effect = step(effect, 0);
            }
        }
    }

    /** A key read from text: its seed and nonce, and the NodeId written with it, if any. */
    record Key(byte[] seed, long nonce, Optional<NodeId> nodeIdWritten) {
    }

    private IdentityText() {
    }

    /** The text of a key: a comment line, three lines of six groups, and the line {@code NodeId <hex>}. */
    static String encode(byte[] seed, long nonce, NodeId nodeId) {
        return encode(FORMAT, seed, nonce, nodeId);
    }

    static String encode(int format, byte[] seed, long nonce, NodeId nodeId) {
        if (seed.length != Ed25519.SEED_LENGTH) {
            throw new IllegalArgumentException("a seed is " + Ed25519.SEED_LENGTH + " bytes, got " + seed.length);
        }
        byte[] payload = new byte[PAYLOAD_BYTES];
        payload[0] = (byte) format;
        System.arraycopy(seed, 0, payload, 1, seed.length);
        for (int i = 0; i < Long.BYTES; i++) {
            payload[1 + seed.length + i] = (byte) (nonce >>> (8 * (Long.BYTES - 1 - i)));
        }
        int[] symbols = Arrays.copyOf(toSymbols(payload), SYMBOLS);
        int check = checksum(symbols) ^ BECH32M;
        for (int i = 0; i < CHECK_SYMBOLS; i++) {
            symbols[DATA_SYMBOLS + i] = (check >>> (5 * (CHECK_SYMBOLS - 1 - i))) & 31;
        }
        Arrays.fill(payload, (byte) 0);
        StringBuilder text = new StringBuilder(COMMENT).append('\n');
        for (int group = 0; group < GROUPS; group++) {
            for (int i = 0; i < GROUP_LENGTH; i++) {
                text.append(ALPHABET.charAt(symbols[group * GROUP_LENGTH + i]));
            }
            text.append((group + 1) % GROUPS_PER_LINE == 0 ? '\n' : '-');
        }
        return text.append("NodeId ").append(nodeId.hex()).append('\n').toString();
    }

    /**
     * Reads a key; a text that is not one throws {@link IllegalArgumentException} saying what is wrong and, where
     * it can tell, in which group. The messages never repeat the key's characters.
     */
    static Key decode(String text) {
        StringBuilder keyText = new StringBuilder();
        NodeId written = null;
        for (String line : text.replace(COMMENT, "").split("\\R")) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            Matcher nodeId = NODE_ID.matcher(line);
            if (nodeId.find()) {
                NodeId named = parseNodeId(nodeId.group(1));
                line = line.substring(0, nodeId.start()) + " " + line.substring(nodeId.end());
                if (written != null || NODE_ID.matcher(line).find()) {
                    throw new IllegalArgumentException("the text names a NodeId twice; keep the one written with the"
                            + " key");
                }
                written = named;
            }
            keyText.append(line).append('\n');
        }
        int[] symbols = symbols(keyText.toString());
        if (symbols.length != SYMBOLS) {
            throw new IllegalArgumentException(wrongLength(symbols, keyText.toString()));
        }
        int residue = checksum(symbols) ^ BECH32M;
        if (residue != 0) {
            throw new IllegalArgumentException(mistyped(residue, symbols));
        }
        byte[] payload = toBytes(symbols);
        if ((payload[0] & 0xff) != FORMAT) {
            throw new IllegalArgumentException("the key is of format " + (payload[0] & 0xff) + ", this node reads"
                    + " format " + FORMAT + ": import it on a newer Tesseras");
        }
        byte[] seed = Arrays.copyOfRange(payload, 1, 1 + Ed25519.SEED_LENGTH);
        long nonce = 0;
        for (int i = 1 + Ed25519.SEED_LENGTH; i < PAYLOAD_BYTES; i++) {
            nonce = (nonce << 8) | (payload[i] & 0xff);
        }
        Arrays.fill(payload, (byte) 0);
        if (nonce < 0) {
            throw new IllegalArgumentException("the key's nonce is negative, which no Tesseras writes");
        }
        return new Key(seed, nonce, Optional.ofNullable(written));
    }

    private static NodeId parseNodeId(String hex) {
        try {
            return NodeId.of(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the NodeId line does not hold a NodeId (40 hexadecimal characters,"
                    + " found " + hex.length() + "): correct it or leave the line out");
        }
    }

    /** The symbols of the key characters, separators left out; a character not in the alphabet throws. */
    private static int[] symbols(String keyText) {
        int[] symbols = new int[keyText.length()];
        int count = 0;
        for (int i = 0; i < keyText.length(); i++) {
            char c = Character.toUpperCase(keyText.charAt(i));
            if (Character.isWhitespace(c) || c == '-') {
                continue;
            }
            int value = switch (c) {
                case 'O' -> 0;
                case 'I', 'L' -> 1;
                default -> ALPHABET.indexOf(c);
            };
            if (value < 0) {
                throw new IllegalArgumentException("group " + (count / GROUP_LENGTH + 1) + " has "
                        + describe(keyText.charAt(i)) + ", which is not a key character (0-9 and A-Z without I, L, O"
                        + " and U)");
            }
            symbols[count++] = value;
        }
        return Arrays.copyOf(symbols, count);
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("the character U+%04X", (int) c);
    }

    private static String wrongLength(int[] symbols, String keyText) {
        int count = symbols.length;
        String counted = "the key has " + count + " characters, " + SYMBOLS + " expected (" + GROUPS + " groups of "
                + GROUP_LENGTH + ")";
        if (count == 0) {
            return "no key found: the text should hold " + GROUPS + " groups of " + GROUP_LENGTH + " characters";
        }
        List<Integer> oddGroups = oddGroups(keyText);
        if (count == SYMBOLS - GROUP_LENGTH) {
            return counted + ": a group is missing" + where(missingGroup(symbols), "probably group ");
        }
        if (count == SYMBOLS + GROUP_LENGTH) {
            return counted + ": there is a group too many" + where(extraGroup(symbols), "probably group ");
        }
        if (oddGroups.size() == 1) {
            return counted + ": group " + oddGroups.get(0) + " does not have " + GROUP_LENGTH + " characters";
        }
        if (count == SYMBOLS - 1) {
            return counted + ": a character is missing" + where(missingCharacter(symbols), "in group ");
        }
        if (count == SYMBOLS + 1) {
            return counted + ": there is a character too many" + where(extraCharacter(symbols), "in group ");
        }
        return counted + ": compare the groups with the written key one by one";
    }

    private static String where(List<Integer> groups, String prefix) {
        if (groups.isEmpty()) {
            return "; compare the groups with the written key one by one";
        }
        StringBuilder text = new StringBuilder(" (").append(prefix);
        for (int i = 0; i < groups.size(); i++) {
            text.append(i == 0 ? "" : i == groups.size() - 1 ? " or " : ", ").append(groups.get(i));
        }
        return text.append(')').toString();
    }

    /** Groups (numbered from 1) of other than four characters, as the text separates them with dashes or spaces. */
    private static List<Integer> oddGroups(String keyText) {
        String[] groups = keyText.strip().split("[\\s-]+");
        if (groups.length < 2) {
            return List.of();
        }
        List<Integer> odd = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
            if (groups[i].length() != GROUP_LENGTH) {
                odd.add(i + 1);
            }
        }
        return odd;
    }

    /** The message for a text of the right length whose checksum fails. */
    private static String mistyped(int residue, int[] symbols) {
        List<Integer> single = new ArrayList<>();
        for (int p = 0; p < SYMBOLS; p++) {
            for (int delta = 1; delta < 32; delta++) {
                if (effect(p, delta) == residue) {
                    single.add(p);
                }
            }
        }
        if (single.size() == 1) {
            int p = single.get(0);
            return "the key does not check out: character " + (p % GROUP_LENGTH + 1) + " of group "
                    + (p / GROUP_LENGTH + 1) + " looks mistyped";
        }
        List<Integer> swapped = new ArrayList<>();
        for (int p = 0; p + 1 < SYMBOLS; p++) {
            int delta = symbols[p] ^ symbols[p + 1];
            if (delta != 0 && (effect(p, delta) ^ effect(p + 1, delta)) == residue) {
                swapped.add(p);
            }
        }
        if (swapped.size() == 1) {
            int p = swapped.get(0);
            int group = p / GROUP_LENGTH + 1;
            String which = p % GROUP_LENGTH == GROUP_LENGTH - 1
                    ? "the last character of group " + group + " and the first of group " + (group + 1)
                    : "characters " + (p % GROUP_LENGTH + 1) + " and " + (p % GROUP_LENGTH + 2) + " of group " + group;
            return "the key does not check out: " + which + " look swapped";
        }
        return "the key does not check out: more than one character is wrong; compare the groups with the written key"
                + " one by one";
    }

    /** Groups (numbered from 1) where inserting four characters makes the checksum right. */
    private static List<Integer> missingGroup(int[] symbols) {
        List<Integer> found = new ArrayList<>();
        for (int group = 0; group < GROUPS; group++) {
            int[] candidate = new int[SYMBOLS];
            int at = group * GROUP_LENGTH;
            System.arraycopy(symbols, 0, candidate, 0, at);
            System.arraycopy(symbols, at, candidate, at + GROUP_LENGTH, symbols.length - at);
            int target = checksum(candidate) ^ BECH32M;
            int[] flips = new int[GROUP_LENGTH * 5];
            for (int i = 0; i < flips.length; i++) {
                flips[i] = EFFECT[at + i / 5][i % 5];
            }
            // every value of the missing 20 bits, one bit flip at a time (Gray code)
            int acc = 0;
            boolean solvable = acc == target;
            for (int n = 1; n < 1 << flips.length && !solvable; n++) {
                acc ^= flips[Integer.numberOfTrailingZeros(n)];
                solvable = acc == target;
            }
            if (solvable) {
                found.add(group + 1);
            }
        }
        return found;
    }

    /** Groups (numbered from 1) whose removal makes the checksum right. */
    private static List<Integer> extraGroup(int[] symbols) {
        List<Integer> found = new ArrayList<>();
        for (int group = 0; group <= GROUPS; group++) {
            int at = group * GROUP_LENGTH;
            int[] candidate = new int[SYMBOLS];
            System.arraycopy(symbols, 0, candidate, 0, at);
            System.arraycopy(symbols, at + GROUP_LENGTH, candidate, at, SYMBOLS - at);
            if (checksum(candidate) == BECH32M) {
                found.add(group + 1);
            }
        }
        return found;
    }

    /** Groups (numbered from 1) where inserting one character makes the checksum right. */
    private static List<Integer> missingCharacter(int[] symbols) {
        List<Integer> found = new ArrayList<>();
        int[] candidate = new int[SYMBOLS];
        for (int p = 0; p < SYMBOLS; p++) {
            System.arraycopy(symbols, 0, candidate, 0, p);
            System.arraycopy(symbols, p, candidate, p + 1, SYMBOLS - 1 - p);
            for (int value = 0; value < 32; value++) {
                candidate[p] = value;
                if (checksum(candidate) == BECH32M && !found.contains(p / GROUP_LENGTH + 1)) {
                    found.add(p / GROUP_LENGTH + 1);
                }
            }
        }
        return found;
    }

    /** Groups (numbered from 1) where removing one character makes the checksum right. */
    private static List<Integer> extraCharacter(int[] symbols) {
        List<Integer> found = new ArrayList<>();
        int[] candidate = new int[SYMBOLS];
        for (int p = 0; p <= SYMBOLS; p++) {
            System.arraycopy(symbols, 0, candidate, 0, p);
            System.arraycopy(symbols, p + 1, candidate, p, SYMBOLS - p);
            int group = Math.min(p / GROUP_LENGTH + 1, GROUPS);
            if (checksum(candidate) == BECH32M && !found.contains(group)) {
                found.add(group);
            }
        }
        return found;
    }

    private static int effect(int position, int delta) {
        int effect = 0;
        for (int bit = 0; bit < 5; bit++) {
            if ((delta & (1 << bit)) != 0) {
                effect ^= EFFECT[position][bit];
            }
        }
        return effect;
    }

    /** The Bech32 polynomial checksum of the prefix followed by {@code symbols}. */
    private static int checksum(int[] symbols) {
        int state = PREFIX_STATE;
        for (int symbol : symbols) {
            state = step(state, symbol);
        }
        return state;
    }

    private static int step(int state, int symbol) {
        int top = state >>> 25;
        int next = ((state & 0x1ffffff) << 5) ^ symbol;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                next ^= GENERATOR[i];
            }
        }
        return next;
    }

    private static int[] toSymbols(byte[] bytes) {
        int[] symbols = new int[(bytes.length * 8 + 4) / 5];
        int buffer = 0;
        int bits = 0;
        int count = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                symbols[count++] = (buffer >>> bits) & 31;
            }
        }
        if (bits > 0) {
            symbols[count] = (buffer << (5 - bits)) & 31;
        }
        return symbols;
    }

    private static byte[] toBytes(int[] symbols) {
        byte[] bytes = new byte[PAYLOAD_BYTES];
        int buffer = 0;
        int bits = 0;
        int count = 0;
        for (int i = 0; i < DATA_SYMBOLS; i++) {
            buffer = (buffer << 5) | symbols[i];
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                bytes[count++] = (byte) (buffer >>> bits);
            }
        }
        if (bits != PAD_BITS || (buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("the key's last data character has bits set that no Tesseras writes");
        }
        return bytes;
    }
}
