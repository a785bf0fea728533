package org.tesseras.systests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Files the tests put, compare and damage. */
public final class TestData {
    private static final int BUFFER_BYTES = 1 << 20;

    private TestData() {
    }

    /** Writes {@code sizeBytes} pseudo-random bytes, the same ones for the same {@code seed}, to {@code file}. */
    public static Path randomFile(Path file, long sizeBytes, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[BUFFER_BYTES];
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = sizeBytes; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                for (int i = 0; i < n; i += 8) {
                    long word = random.nextLong();
                    for (int b = 0; b < 8 && i + b < n; b++) {
                        buffer[i + b] = (byte) (word >>> (8 * b));
                    }
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /** The SHA-256 of a file's bytes, in lowercase hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Inverts the lowest bit of the byte at {@code position} of {@code file}, in place and synced. */
    public static void flipBit(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (position < 0 || position >= channel.size()) {
                throw new IllegalArgumentException(file + " has no byte at " + position + " (" + channel.size()
                        + " bytes)");
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x01));
            one.rewind();
            channel.write(one, position);
            channel.force(true);
        }
    }
}
