package org.tesseras.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frame decoder against arbitrary input. {@code mvn test} replays the inputs under
 * {@code FrameDecoderFuzzTestInputs/} and runs a seeded mutation loop of 100,000 cases; real fuzzing:
 * {@code JAZZER_FUZZ=1 mvn test -Dtest='FrameDecoderFuzzTest#anyBytesYieldOnlyFramesAndFaults'}.
 */
class FrameDecoderFuzzTest {
    static final int MUTATION_CASES = 100_000;

    /** First byte: piece size (low 6 bits) and whether a stream is open (bit 6); the rest is the input. */
    @FuzzTest(maxDuration = "60s")
    void anyBytesYieldOnlyFramesAndFaults(byte[] data) {
        if (data.length == 0) {
            FrameChecks.check(data, 1, false);
            return;
        }
        int pieceBytes = (data[0] & 0x3f) + 1;
        boolean streamOpen = (data[0] & 0x40) != 0;
        FrameChecks.check(Arrays.copyOfRange(data, 1, data.length), pieceBytes, streamOpen);
    }

    @Test
    void everyValidFrameDecodesWholeAndInPieces() {
        List<byte[]> frames = FrameChecks.validFrames();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            assertEquals(1, FrameChecks.check(frame, frame.length, false));
            assertEquals(1, FrameChecks.check(frame, 1, false));
            all.writeBytes(frame);
        }
        assertEquals(frames.size(), FrameChecks.check(all.toByteArray(), 7, false));
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void seededMutationsOfValidFramesNeverEscape() {
        List<byte[]> frames = FrameChecks.validFrames();
        SplittableRandom random = new SplittableRandom(0x7e55e7a5L);
        int outputs = 0;
        for (int i = 0; i < MUTATION_CASES; i++) {
            byte[] input = mutate(frames, random);
            outputs += FrameChecks.check(input, 1 + random.nextInt(input.length + 1), random.nextInt(4) == 0);
        }
        assertTrue(outputs > MUTATION_CASES / 2, "the mutations exercised the decoder: " + outputs + " outputs");
    }

    private static byte[] mutate(List<byte[]> frames, SplittableRandom random) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            joined.writeBytes(frames.get(random.nextInt(frames.size())));
        }
        byte[] bytes = joined.toByteArray();
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(8)) {
                case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> {
                    int at = random.nextInt(bytes.length + 1);
                    byte[] longer = new byte[bytes.length + 1 + random.nextInt(16)];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    for (int k = at; k < at + longer.length - bytes.length; k++) {
                        longer[k] = (byte) random.nextInt(256);
                    }
                    System.arraycopy(bytes, at, longer, at + longer.length - bytes.length, bytes.length - at);
                    bytes = longer;
                }
                case 4 -> {
                    if (bytes.length > 4) {
                        int at = 4 + random.nextInt(bytes.length - 4);
                        int cut = Math.min(bytes.length - at, 1 + random.nextInt(8));
                        byte[] shorter = new byte[bytes.length - cut];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + cut, shorter, at, bytes.length - at - cut);
                        bytes = shorter;
                    }
                }
                case 5 -> {
                    if (bytes.length >= 4) {
                        int length = random.nextBoolean() ? random.nextInt() : random.nextInt(200_000);
                        bytes[0] = (byte) (length >>> 24);
                        bytes[1] = (byte) (length >>> 16);
                        bytes[2] = (byte) (length >>> 8);
                        bytes[3] = (byte) length;
                    }
                }
                case 6 -> {
                    if (bytes.length > 5) {
                        int at = 4 + random.nextInt(bytes.length - 4);
                        bytes[at] = (byte) (random.nextBoolean() ? 0xff : 0x80);
                    }
                }
                default -> {
                    byte[] noise = new byte[random.nextInt(64)];
                    random.nextBytes(noise);
                    byte[] longer = Arrays.copyOf(bytes, bytes.length + noise.length);
                    System.arraycopy(noise, 0, longer, bytes.length, noise.length);
                    bytes = longer;
                }
            }
            if (bytes.length == 0) {
                break;
            }
        }
        return bytes;
    }
}
