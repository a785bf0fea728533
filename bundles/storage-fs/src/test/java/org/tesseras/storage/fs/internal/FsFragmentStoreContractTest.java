package org.tesseras.storage.fs.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.contract.ContractData;
import org.tesseras.api.contract.FragmentStoreContract;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.crypto.internal.Blake3Hasher;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;

/** The fragment store contract on real files and a real (in-memory) Derby index. */
class FsFragmentStoreContractTest extends FragmentStoreContract {
    @TempDir
    Path tempDir;

    private final ContractData data = new ContractData(new Blake3Hasher(), 7);
    private DerbyNodeDataSource db;
    private FsFragmentStore store;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.inMemory();
        store = new FsFragmentStore(db, data.hasher(), tempDir.resolve("root"));
    }

    @AfterEach
    void close() {
        db.close();
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
