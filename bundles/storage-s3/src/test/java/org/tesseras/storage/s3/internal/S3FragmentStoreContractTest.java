package org.tesseras.storage.s3.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.contract.FragmentStoreContract;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.crypto.internal.Blake3Hasher;

/** The fragment store contract on a real S3 server (S3Proxy on 127.0.0.1), a fresh bucket per test. */
class S3FragmentStoreContractTest extends FragmentStoreContract {
    private static S3TestServer server;

    private final ContractData data = new ContractData(new Blake3Hasher(), 7);
    private S3Objects objects;
    private S3FragmentStore store;

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
        store = new S3FragmentStore(objects, data.hasher(), 0);
    }

    @AfterEach
    void close() {
        objects.close();
    }

    @Override
    protected int largeFragmentBytes() {
        // more than two 5 MiB parts: the fragment goes up as a multipart upload
        return 11 << 20;
    }

    @Override
    protected FragmentStore store() {
        return store;
    }

    @Override
    protected ContractData data() {
        return data;
    }
}
