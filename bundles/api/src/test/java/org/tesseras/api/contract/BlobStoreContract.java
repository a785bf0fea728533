package org.tesseras.api.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.port.BlobStore;

/**
 * What every {@link BlobStore} promises, checked through the port alone. A backend's test extends it and
 * gives a fresh, empty store per test on its real medium.
 */
public abstract class BlobStoreContract {

    /** The store under test: the same instance for the whole test, empty at its start. */
    protected abstract BlobStore store();

    /** Random bytes and the real hasher. */
    protected abstract ContractData data();

    /** The size of the large blob of {@link #aLargeBlobIsStreamedAndReadFromAnyPosition}. */
    protected int largeBlobBytes() {
        return 5 << 20;
    }

    @Test
    public void aBlobIsNamedByItsBlake3AndReadsBack() throws IOException {
        byte[] bytes = data().randomBytes(10_000);
        ContentHash hash = store().write(new ByteArrayInputStream(bytes));
        assertEquals(data().hasher().hash(bytes), hash);
        assertTrue(store().exists(hash));
        assertEquals(OptionalLong.of(bytes.length), store().size(hash));
        assertArrayEquals(bytes, FragmentStoreContract.readAll(store().read(hash).orElseThrow()));
        assertEquals(List.of(hash), store().list());
    }

    @Test
    public void aLargeBlobIsStreamedAndReadFromAnyPosition() throws IOException {
        int size = largeBlobBytes();
        byte[] bytes = data().randomBytes(size);
        InputStream dribble = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 30_000));
            }
        };
        ContentHash hash = store().write(dribble);
        assertEquals(data().hasher().hash(bytes), hash);
        try (SeekableByteChannel channel = store().read(hash).orElseThrow()) {
            assertEquals(size, channel.size());
            int at = size / 2 + 123;
            channel.position(at);
            ByteBuffer piece = ByteBuffer.allocate(4096);
            while (piece.hasRemaining() && channel.read(piece) >= 0) {
                // keep reading
            }
            assertArrayEquals(Arrays.copyOfRange(bytes, at, at + 4096), piece.array());
            assertEquals(at + 4096L, channel.position());
            channel.position(0);
            ByteBuffer head = ByteBuffer.allocate(100);
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // keep reading
            }
            assertArrayEquals(Arrays.copyOf(bytes, 100), head.array());
        }
        assertArrayEquals(bytes, FragmentStoreContract.readAll(store().read(hash).orElseThrow()));
        assertEquals(FragmentCheck.GOOD, store().verify(hash));
    }

    @Test
    public void writingTheSameBytesTwiceKeepsOne() throws IOException {
        byte[] bytes = data().randomBytes(5000);
        ContentHash first = store().write(new ByteArrayInputStream(bytes));
        ContentHash second = store().write(new ByteArrayInputStream(bytes));
        assertEquals(first, second);
        assertEquals(List.of(first), store().list());
    }

    @Test
    public void anEmptyStreamIsTheEmptyTessera() throws IOException {
        ContentHash hash = store().write(new ByteArrayInputStream(new byte[0]));
        assertEquals(data().hasher().hash(new byte[0]), hash);
        assertEquals(OptionalLong.of(0), store().size(hash));
        assertEquals(0, FragmentStoreContract.readAll(store().read(hash).orElseThrow()).length);
    }

    @Test
    public void anAbsentBlobIsEmptyAndDeleteSaysWhatItRemoved() throws IOException {
        ContentHash absent = data().randomHash();
        assertTrue(store().read(absent).isEmpty());
        assertFalse(store().exists(absent));
        assertTrue(store().size(absent).isEmpty());
        assertFalse(store().delete(absent));
        assertEquals(FragmentCheck.MISSING, store().verify(absent));
        ContentHash held = store().write(new ByteArrayInputStream(data().randomBytes(100)));
        assertTrue(store().delete(held));
        assertFalse(store().exists(held));
        assertTrue(store().list().isEmpty());
    }

    @Test
    public void aFailingStreamLeavesNothing() {
        byte[] bytes = data().randomBytes(200_000);
        InputStream failing = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos > 100_000) {
                    throw new IllegalStateException("contract: the source broke");
                }
                return super.read(b, off, Math.min(len, 50_000));
            }
        };
        assertThrows(RuntimeException.class, () -> store().write(failing));
        assertTrue(store().list().isEmpty());
    }

    @Test
    public void quarantineKeepsABlobAsideAndFreesItsName() throws IOException {
        byte[] bytes = data().randomBytes(3000);
        ContentHash hash = store().write(new ByteArrayInputStream(bytes));
        int before = store().quarantined().size();
        assertTrue(store().quarantine(hash, "contract: a good copy comes"));
        assertFalse(store().exists(hash));
        assertEquals(before + 1, store().quarantined().size());
        assertEquals("contract: a good copy comes", store().quarantined().get(before).reason());
        assertFalse(store().quarantine(hash, "again"));
        assertEquals(hash, store().write(new ByteArrayInputStream(bytes)));
        assertEquals(FragmentCheck.GOOD, store().verify(hash));
    }

    @Test
    public void blobsAreListedInHashOrder() throws IOException {
        for (int i = 0; i < 4; i++) {
            store().write(new ByteArrayInputStream(data().randomBytes(100 + i)));
        }
        List<ContentHash> listed = store().list();
        assertEquals(4, listed.size());
        assertEquals(listed.stream().sorted().toList(), listed);
    }
}
