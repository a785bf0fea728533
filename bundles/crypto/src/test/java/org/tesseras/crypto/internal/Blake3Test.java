package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tesseras.api.port.Hasher;

/**
 * Our BLAKE3 against three independent implementations (commons-codec, Bouncy Castle, blake3-java) on
 * seeded random inputs, fed whole, in random pieces, in pieces that meet block and chunk boundaries,
 * byte by byte, and through heap, direct and sliced buffers; the scalar code alone and with vector lanes.
 */
class Blake3Test {
    private static final long SEED = 0x7E55E4A5L;
    private static final int MAX_LENGTH = 200_000;
    /** Lengths around the block (64 B) and chunk (1 KiB) edges and where the tree gains a level. */
    private static final int[] EDGE_LENGTHS = {0, 1, 63, 64, 65, 127, 128, 129, 960, 1023, 1024, 1025, 1088, 2047,
            2048, 2049, 3072, 3073, 4095, 4096, 4097, 7 * 1024, 8 * 1024, 8 * 1024 + 1, 31 * 1024 + 64,
            64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 100 * 1024, 128 * 1024, 128 * 1024 + 1, MAX_LENGTH};

    private final Random random = new Random(SEED);

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void unkeyedAgreesWithTheThreeLibrariesHoweverTheInputIsSplit(Blake3Variant variant) {
        for (int length : testLengths()) {
            byte[] data = randomBytes(length);
            byte[] expected = librariesAgreeOn(null, data);
            assertFedEveryWay(variant, expected, null, data);
        }
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void keyedAgreesWithTheThreeLibrariesHoweverTheInputIsSplit(Blake3Variant variant) {
        for (int length : testLengths()) {
            byte[] key = randomBytes(Blake3.KEY_BYTES);
            byte[] data = randomBytes(length);
            byte[] expected = librariesAgreeOn(key, data);
            assertFedEveryWay(variant, expected, key, data);
        }
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void byteBuffersOfEveryKindGiveTheSameDigest(Blake3Variant variant) {
        for (int length : new int[] {0, 1, 64, 1025, 16 * 1024, 16 * 1024 + 1, 50_000, MAX_LENGTH}) {
            byte[] data = randomBytes(length);
            byte[] expected = ourDigest(variant, null, data);
            String what = variant + ", length " + length;

            byte[] padded = new byte[length + 37];
            System.arraycopy(data, 0, padded, 11, length);
            ByteBuffer heapWindow = ByteBuffer.wrap(padded, 11, length);
            assertArrayEquals(expected, digestOf(variant, heapWindow), "heap window, " + what);
            assertEquals(11 + length, heapWindow.position(), "heap buffer consumed, " + what);

            ByteBuffer heapSlice = ByteBuffer.wrap(padded).position(11).slice().limit(length);
            assertArrayEquals(expected, digestOf(variant, heapSlice), "heap slice (array offset 11), " + what);

            ByteBuffer readOnly = ByteBuffer.wrap(data).asReadOnlyBuffer();
            assertArrayEquals(expected, digestOf(variant, readOnly), "read-only heap, " + what);

            ByteBuffer direct = ByteBuffer.allocateDirect(length).put(data).flip();
            assertArrayEquals(expected, digestOf(variant, direct), "direct, " + what);
            assertEquals(0, direct.remaining(), "direct buffer consumed, " + what);

            ByteBuffer directPadded = ByteBuffer.allocateDirect(length + 37);
            directPadded.position(5).put(data);
            ByteBuffer directSlice = directPadded.position(5).slice().limit(length);
            assertArrayEquals(expected, digestOf(variant, directSlice), "direct slice, " + what);

            Blake3 mixed = variant.newHash();
            int half = length / 2;
            mixed.update(ByteBuffer.allocateDirect(half).put(data, 0, half).flip());
            mixed.update(ByteBuffer.wrap(data, half, length - half));
            assertArrayEquals(expected, mixed.finish().bytes(), "direct then heap, " + what);
        }
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void readsOnlyTheGivenRangeOfTheArray(Blake3Variant variant) {
        byte[] data = randomBytes(5000);
        byte[] expected = ourDigest(variant, null, data);
        byte[] padded = new byte[data.length + 200];
        random.nextBytes(padded);
        System.arraycopy(data, 0, padded, 100, data.length);
        assertArrayEquals(expected, variant.newHash().update(padded, 100, data.length).finish().bytes());
        assertThrows(IndexOutOfBoundsException.class, () -> variant.newHash().update(padded, 150, data.length + 51));
        assertThrows(IndexOutOfBoundsException.class, () -> variant.newHash().update(padded, -1, 2));
    }

    /**
     * Short messages (a 32-byte key, a key and its nonce) hashed a few hundred thousand times, long enough for
     * HotSpot's C2 to compile the hashing path; every digest must stay the libraries' one. Digests written with
     * int-wide VarHandle stores into the fresh array came out as zeros once compiled.
     */
    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void shortMessagesKeepTheirDigestOnceCompiled(Blake3Variant variant) {
        Hasher hasher = variant.hasher();
        int messages = 50;
        byte[][] inputs = new byte[messages][];
        byte[][] expected = new byte[messages][];
        for (int i = 0; i < messages; i++) {
            inputs[i] = randomBytes(i % 2 == 0 ? 32 : 40);
            expected[i] = librariesAgreeOn(null, inputs[i]);
        }
        int wrong = 0;
        String first = null;
        for (int round = 0; round < 6_000; round++) {
            for (int i = 0; i < messages; i++) {
                byte[] digest = hasher.hash(inputs[i]).bytes();
                if (!Arrays.equals(expected[i], digest)) {
                    wrong++;
                    if (first == null) {
                        first = "round " + round + ", message " + i + ": " + HexFormat.of().formatHex(digest);
                    }
                }
            }
        }
        assertEquals(0, wrong, "digests that changed once compiled, the first at " + first);
    }

    /** The edge lengths, then random lengths up to {@link #MAX_LENGTH}, half of them under 8 KiB. */
    private List<Integer> testLengths() {
        List<Integer> lengths = new ArrayList<>();
        for (int length : EDGE_LENGTHS) {
            lengths.add(length);
        }
        for (int i = 0; i < 40; i++) {
            lengths.add(random.nextInt(i % 2 == 0 ? 8 * 1024 : MAX_LENGTH + 1));
        }
        return lengths;
    }

    private void assertFedEveryWay(Blake3Variant variant, byte[] expected, byte[] key, byte[] data) {
        String what = variant + ", " + (key == null ? "unkeyed" : "keyed") + ", length " + data.length + ", seed " + SEED;
        assertArrayEquals(expected, ourDigest(variant, key, data), "one update, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> 1 + random.nextInt(5000)), "random pieces, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> 1 + random.nextInt(70)), "small pieces, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> 64), "64-byte pieces, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> 1024), "1 KiB pieces, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> 64 * (1 + random.nextInt(40))),
                "pieces of whole blocks, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> 1024 * (1 + random.nextInt(8)) + random.nextInt(3) - 1),
                "pieces one byte off chunk edges, " + what);
        assertArrayEquals(expected, inPieces(variant, key, data, () -> random.nextBoolean() ? 0 : 1 + random.nextInt(300)),
                "pieces with empty updates, " + what);
        if (data.length <= 20_000) {
            assertArrayEquals(expected, inPieces(variant, key, data, () -> 1), "1-byte pieces, " + what);
        }
    }

    private static Blake3 start(Blake3Variant variant, byte[] key) {
        return key == null ? variant.newHash() : variant.newKeyedHash(key);
    }

    private static byte[] ourDigest(Blake3Variant variant, byte[] key, byte[] data) {
        return start(variant, key).update(data, 0, data.length).finish().bytes();
    }

    private static byte[] inPieces(Blake3Variant variant, byte[] key, byte[] data, IntSupplier pieceLength) {
        Blake3 hash = start(variant, key);
        int offset = 0;
        while (offset < data.length) {
            int n = Math.min(pieceLength.getAsInt(), data.length - offset);
            hash.update(data, offset, n);
            offset += n;
        }
        return hash.finish().bytes();
    }

    private static byte[] digestOf(Blake3Variant variant, ByteBuffer buffer) {
        return variant.newHash().update(buffer).finish().bytes();
    }

    /** The digest all three libraries give, after checking they agree with one another. */
    private static byte[] librariesAgreeOn(byte[] key, byte[] data) {
        org.apache.commons.codec.digest.Blake3 codec = key == null
                ? org.apache.commons.codec.digest.Blake3.initHash()
                : org.apache.commons.codec.digest.Blake3.initKeyedHash(key);
        byte[] fromCodec = codec.update(data).doFinalize(32);

        Blake3Digest bouncyCastle = new Blake3Digest(256);
        if (key != null) {
            bouncyCastle.init(Blake3Parameters.key(key));
        }
        bouncyCastle.update(data, 0, data.length);
        byte[] fromBouncyCastle = new byte[32];
        bouncyCastle.doFinal(fromBouncyCastle, 0);

        io.github.rctcwyvrn.blake3.Blake3 blake3Java = key == null
                ? io.github.rctcwyvrn.blake3.Blake3.newInstance()
                : io.github.rctcwyvrn.blake3.Blake3.newKeyedHasher(key);
        blake3Java.update(data);
        byte[] fromBlake3Java = blake3Java.digest(32);

        HexFormat hex = HexFormat.of();
        String what = "length " + data.length + (key == null ? "" : ", key " + hex.formatHex(key));
        String expected = hex.formatHex(fromCodec);
        assertEquals(expected, hex.formatHex(fromBouncyCastle), "commons-codec vs Bouncy Castle, " + what);
        assertEquals(expected, hex.formatHex(fromBlake3Java), "commons-codec vs blake3-java, " + what);
        return fromCodec;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
