package org.tesseras.storage.fs.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.contract.BlobStoreContract;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.port.BlobStore;
import org.tesseras.crypto.internal.Blake3Hasher;

/** The blob store contract on real files. */
class FsBlobStoreContractTest extends BlobStoreContract {
    @TempDir
    Path tempDir;

    private final ContractData data = new ContractData(new Blake3Hasher(), 11);
    private FsBlobStore store;

    @BeforeEach
    void open() throws Exception {
        store = new FsBlobStore(data.hasher(), tempDir.resolve("root"));
    }

    @Override
    protected BlobStore store() {
        return store;
    }

    @Override
    protected ContractData data() {
        return data;
    }
}
