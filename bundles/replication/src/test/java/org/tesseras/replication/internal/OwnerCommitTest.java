package org.tesseras.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ProgressListener;

/**
 * The owner commits a tessera's fragments all at once (each commit syncs its file): one node in this JVM, real
 * Derby and files. A commit that fails leaves the others committed and whole, the failure reaches the caller, and
 * the next encoding completes the set from the blob.
 */
class OwnerCommitTest {
    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aFailedCommitLeavesTheOthersCommittedAndTheNextEncodingCompletesTheSet() throws Exception {
        cluster = TestCluster.inMemory(dir, 1, TestNode.Tiers.lowered(1), TestNode.settings());
        TestNode owner = cluster.owner();
        ContentHash hash;
        try (InputStream in = Files.newInputStream(cluster.randomFile("album.bin", 2_000_000, 7))) {
            hash = owner.blobs.write(in);
        }
        Set<Integer> committing = ConcurrentHashMap.newKeySet();
        owner.replication.fragments = failingCommitOf(owner.fragments, 5, committing);

        IOException failure = assertThrows(IOException.class,
                () -> new OwnerEncoding(owner.replication).ensureLocalSet(hash, true, ProgressListener.NONE));
        assertTrue(failure.getMessage().contains("disk full at fragment 5"), failure.getMessage());
        assertEquals(24, committing.size(), "every fragment's commit was tried: " + committing);
        TesseraManifest manifest = owner.fragments.manifest(hash).orElseThrow();
        List<Integer> held = owner.fragments.list(hash).stream().map(f -> f.id().index()).sorted().toList();
        assertEquals(23, held.size(), "all but fragment 5 committed: " + held);
        assertTrue(!held.contains(5));
        for (int index : held) {
            assertEquals(FragmentCheck.GOOD, owner.fragments.verify(hash, index), "fragment " + index);
        }

        owner.replication.fragments = owner.fragments;
        TesseraManifest again = new OwnerEncoding(owner.replication).ensureLocalSet(hash, false, ProgressListener.NONE);
        assertEquals(manifest, again, "the recorded manifest is kept");
        List<StoredFragment> all = owner.fragments.list(hash);
        assertEquals(24, all.size());
        for (StoredFragment fragment : all) {
            assertEquals(FragmentCheck.GOOD, owner.fragments.verify(hash, fragment.id().index()));
        }
        try (var left = Files.walk(owner.dir.resolve("fragments"))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temporary file is left behind");
        }
    }

    /** {@code store}, whose writers of the owner's own fragments fail to commit {@code failing}. */
    private static FragmentStore failingCommitOf(FragmentStore store, int failing, Set<Integer> committing) {
        return (FragmentStore) Proxy.newProxyInstance(FragmentStore.class.getClassLoader(),
                new Class<?>[] {FragmentStore.class}, (proxy, method, args) -> {
                    Object result = invoke(method, store, args);
                    if (!method.getName().equals("createChecksummedBySource")) {
                        return result;
                    }
                    int index = (Integer) args[1];
                    FragmentStore.FragmentWriter writer = (FragmentStore.FragmentWriter) result;
                    return Proxy.newProxyInstance(FragmentStore.class.getClassLoader(),
                            new Class<?>[] {FragmentStore.FragmentWriter.class}, (p, m, a) -> {
                                if (m.getName().equals("commit")) {
                                    committing.add(index);
                                    if (index == failing) {
                                        throw new IOException("disk full at fragment " + index);
                                    }
                                }
                                return invoke(m, writer, a);
                            });
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
