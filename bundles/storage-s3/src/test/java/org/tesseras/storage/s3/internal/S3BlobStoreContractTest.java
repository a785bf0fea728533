package org.tesseras.storage.s3.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tesseras.api.contract.BlobStoreContract;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.port.BlobStore;
import org.tesseras.crypto.internal.Blake3Hasher;

/** The blob store contract on a real S3 server (S3Proxy on 127.0.0.1), a fresh bucket per test. */
class S3BlobStoreContractTest extends BlobStoreContract {
    private static S3TestServer server;

    private final ContractData data = new ContractData(new Blake3Hasher(), 11);
    private S3Objects objects;
    private S3BlobStore store;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void open() throws Exception {
        objects = new S3Objects(S3Settings.from(server.config()));
        store = new S3BlobStore(objects, data.hasher());
    }

    @AfterEach
    void close() {
        objects.close();
    }

    @Override
    protected int largeBlobBytes() {
        // more than two 5 MiB parts: uploaded in parts under a temporary key, then copied to its name
        return 12 << 20;
    }

    @Override
    protected BlobStore store() {
        return store;
    }

    @Override
    protected ContractData data() {
        return data;
    }

    // ---- S3 only ----

    @Test
    void aKeptCopyThatRottedIsReplacedWhenTheSameTesseraIsWrittenAgainAndKeptInQuarantine() throws Exception {
        byte[] bytes = data.randomBytes(200_000);
        ContentHash hash = store.write(new ByteArrayInputStream(bytes));
        String key = objects.key(S3Layout.blob(hash));
        byte[] rotten = bytes.clone();
        rotten[99_999] ^= 0x40;
        objects.put(key, rotten, rotten.length, Map.of());

        assertEquals(hash, store.write(new ByteArrayInputStream(bytes)));
        assertArrayEquals(bytes, objects.getBytes(key).orElseThrow(), "the good bytes kept");
        assertEquals(FragmentCheck.GOOD, store.verify(hash));
        assertEquals(1, store.quarantined().size(), "the rotten copy is kept, not deleted");
        assertTrue(store.quarantined().get(0).reason().contains("no longer hashes to its name"),
                store.quarantined().get(0).reason());
    }
}
