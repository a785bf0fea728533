package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.port.Hasher;
import org.tesseras.crypto.internal.Blake3Hasher;

class FsBlobStoreTest {
    /** BLAKE3("hello"), the known answer. */
    private static final ContentHash HELLO =
            ContentHash.of("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f");

    @TempDir
    Path root;

    private final Hasher hasher = new Blake3Hasher();
    private FsBlobStore store;

    @BeforeEach
    void open() throws IOException {
        store = new FsBlobStore(hasher, root);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("blobs"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeNamesTheBlobByItsBlake3() throws IOException {
        ContentHash hash = store.write(new ByteArrayInputStream("hello".getBytes()));
        assertEquals(HELLO, hash);
        assertEquals(List.of(HELLO.hex()), files(), "the blob under its hash, no temp file");
        assertEquals("hello", Files.readString(root.resolve("blobs").resolve(HELLO.hex())));
        assertTrue(store.exists(HELLO));
        assertEquals(OptionalLong.of(5), store.size(HELLO));
        assertEquals(List.of(HELLO), store.list());
    }

    @Test
    void aLargeBlobIsStreamedAndCanBeReadFromAnyPosition() throws IOException {
        byte[] bytes = new byte[5 * StorageRoot.BUFFER_BYTES + 3];
        new Random(7).nextBytes(bytes);
        ContentHash hash = store.write(new ByteArrayInputStream(bytes));
        assertEquals(hasher.hash(bytes), hash);
        try (SeekableByteChannel channel = store.read(hash).orElseThrow()) {
            assertEquals(bytes.length, channel.size());
            channel.position(200_000);
            ByteBuffer buffer = ByteBuffer.allocate(100);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 200_000, 200_100), buffer.array());
        }
    }

    @Test
    void writingTheSameBytesTwiceIsIdempotent() throws IOException {
        byte[] bytes = "a tessera".getBytes();
        ContentHash first = store.write(new ByteArrayInputStream(bytes));
        ContentHash second = store.write(new ByteArrayInputStream(bytes));
        assertEquals(first, second);
        assertEquals(List.of(first.hex()), files());
    }

    @Test
    void aKeptCopyThatRottedIsReplacedWhenTheSameTesseraIsWrittenAgainAndKeptInQuarantine() throws IOException {
        // "already held" used to trust the copy on disk: the owner putting the file again kept the rotten one
        byte[] bytes = new byte[300_000];
        new Random(11).nextBytes(bytes);
        ContentHash hash = store.write(new ByteArrayInputStream(bytes));
        byte[] rotten = bytes.clone();
        rotten[123_456] ^= 0x01;
        Files.write(root.resolve("blobs").resolve(hash.hex()), rotten);

        assertEquals(hash, store.write(new ByteArrayInputStream(bytes)));
        assertArrayEquals(bytes, Files.readAllBytes(root.resolve("blobs").resolve(hash.hex())), "the good bytes kept");
        assertEquals(org.tesseras.api.model.FragmentCheck.GOOD, store.verify(hash));
        assertEquals(1, store.quarantined().size(), "the rotten copy is kept, not deleted");
        assertTrue(store.quarantined().get(0).reason().contains("no longer hashes to its name"));
        assertArrayEquals(rotten, Files.readAllBytes(root.resolve("quarantine").resolve(store.quarantined().get(0)
                .name())));
        assertEquals(List.of(hash.hex()), files());
    }

    @Test
    void aKeptCopyThatCannotBeReadIsKeptInQuarantineAndReplacedWhenTheSameTesseraIsWrittenAgain() throws IOException {
        UnreadableHeldCopies disk = new UnreadableHeldCopies();
        FsBlobStore onFailingDisk = new FsBlobStore(disk, root);
        byte[] bytes = new byte[300_000];
        new Random(13).nextBytes(bytes);
        ContentHash hash = onFailingDisk.write(new ByteArrayInputStream(bytes));
        disk.failReads();

        assertEquals(hash, onFailingDisk.write(new ByteArrayInputStream(bytes)), "the owner can put it again");
        assertEquals(1, onFailingDisk.quarantined().size(), "the unreadable copy is kept, not deleted");
        String reason = onFailingDisk.quarantined().get(0).reason();
        assertTrue(reason.contains("cannot be read (Input/output error)"), reason);
        assertArrayEquals(bytes, Files.readAllBytes(root.resolve("quarantine").resolve(onFailingDisk.quarantined()
                .get(0).name())), "all its bytes are in quarantine");
        assertArrayEquals(bytes, Files.readAllBytes(root.resolve("blobs").resolve(hash.hex())), "the copy just"
                + " written holds the name");
        assertEquals(FragmentCheck.GOOD, store.verify(hash));
        assertEquals(List.of(hash.hex()), files());
    }

    @Test
    void anEmptyStreamIsTheEmptyTessera() throws IOException {
        ContentHash empty = store.write(InputStream.nullInputStream());
        assertEquals(hasher.hash(new byte[0]), empty);
        assertEquals(OptionalLong.of(0), store.size(empty));
    }

    @Test
    void absentBlobsAreEmptyAndDeleteReportsWhatItRemoved() throws IOException {
        assertEquals(Optional.empty(), store.read(HELLO));
        assertFalse(store.exists(HELLO));
        assertEquals(OptionalLong.empty(), store.size(HELLO));
        assertFalse(store.delete(HELLO));

        store.write(new ByteArrayInputStream("hello".getBytes()));
        assertTrue(store.delete(HELLO));
        assertFalse(store.exists(HELLO));
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), files());
    }

    @Test
    void aFailingStreamLeavesNoFile() throws IOException {
        InputStream failing = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                if (left == 0) {
                    throw new IOException("connection reset");
                }
                left--;
                return 1;
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> store.write(failing));
        assertEquals(List.of(), files());
    }

    @Test
    void activationRemovesHalfWrittenFilesAndListIgnoresStrangers() throws IOException {
        ContentHash kept = store.write(new ByteArrayInputStream("kept".getBytes()));
        Files.writeString(root.resolve("blobs").resolve("blob-123.tmp"), "half");
        Files.writeString(root.resolve("blobs").resolve("README"), "not a blob");

        FsBlobStore restarted = new FsBlobStore(hasher, root);
        assertEquals(List.of(kept.hex(), "README"), files());
        assertEquals(List.of(kept), restarted.list());
    }

    @Test
    void blobPathsStayInsideTheBlobsDirectory() {
        ContentHash hash = hasher.hash(new byte[] {1});
        assertEquals(root.resolve("blobs"), store.blobPath(hash).getParent());
    }

    @Test
    void verifyFindsARottedBlobAndQuarantineKeepsItAsideForAGoodCopy() throws IOException {
        ContentHash hash = store.write(new ByteArrayInputStream("hello".getBytes()));
        assertEquals(org.tesseras.api.model.FragmentCheck.GOOD, store.verify(hash));
        assertEquals(org.tesseras.api.model.FragmentCheck.MISSING, store.verify(hasher.hash(new byte[] {2})));

        Files.writeString(root.resolve("blobs").resolve(hash.hex()), "jello");
        assertEquals(org.tesseras.api.model.FragmentCheck.CORRUPT, store.verify(hash));
        assertTrue(store.quarantine(hash, "it hashes to something else"));
        assertFalse(store.exists(hash));
        assertEquals(1, store.quarantined().size());
        assertEquals("it hashes to something else", store.quarantined().get(0).reason());
        assertEquals("jello", Files.readString(root.resolve("quarantine").resolve(store.quarantined().get(0).name())));

        assertEquals(hash, store.write(new ByteArrayInputStream("hello".getBytes())));
        assertEquals(org.tesseras.api.model.FragmentCheck.GOOD, store.verify(hash));
        assertFalse(store.quarantine(hasher.hash(new byte[] {3}), "not held"));
    }
}

