package org.tesseras.crypto.internal;

import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.LedgerEntry;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.ReindexReport;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.ReciprocityLedger;

/**
 * What a node holds, as the three stores an identity import asks: only the listings it asks for are answered.
 * In-test stores because the real ones (storage-fs, ledger-derby) test against this bundle, and a test dependency
 * back on them would be a module cycle.
 */
final class HeldData {
    final List<ContentHash> tesseras = new ArrayList<>();
    final List<ContentHash> wholeCopies = new ArrayList<>();
    final List<LedgerEntry> accounts = new ArrayList<>();

    static LedgerEntry account(NodeId peer) {
        return new LedgerEntry(peer, 1024, 2048, Instant.now());
    }

    FragmentStore fragmentStore() {
        return new FragmentStore() {
            @Override
            public List<ContentHash> listTesseras() {
                return List.copyOf(tesseras);
            }

            @Override
            public boolean forget(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public void saveManifest(TesseraManifest manifest) {
                throw unused();
            }

            @Override
            public List<StoredFragment> replaceManifest(TesseraManifest manifest, String reason) {
                throw unused();
            }

            @Override
            public Optional<TesseraManifest> manifest(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public StoredFragment store(FragmentId id, InputStream content, Optional<NodeId> originPeer) {
                throw unused();
            }

            @Override
            public FragmentWriter create(FragmentPlan plan, int index) {
                throw unused();
            }

            @Override
            public FragmentWriter createChecksummedBySource(FragmentPlan plan, int index) {
                throw unused();
            }

            @Override
            public Optional<SeekableByteChannel> open(ContentHash tesseraHash, int index) {
                throw unused();
            }

            @Override
            public Optional<StoredFragment> find(ContentHash tesseraHash, int index) {
                throw unused();
            }

            @Override
            public List<StoredFragment> list(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public boolean delete(ContentHash tesseraHash, int index) {
                throw unused();
            }

            @Override
            public boolean quarantine(ContentHash tesseraHash, int index, String reason) {
                throw unused();
            }

            @Override
            public List<QuarantinedFile> quarantined() {
                throw unused();
            }

            @Override
            public FragmentCheck verify(ContentHash tesseraHash, int index) {
                throw unused();
            }

            @Override
            public List<FragmentId> lostFragments() {
                throw unused();
            }

            @Override
            public ReindexReport reindex() {
                throw unused();
            }

            @Override
            public StorageUsage usage() {
                throw unused();
            }
        };
    }

    BlobStore blobStore() {
        return new BlobStore() {
            @Override
            public List<ContentHash> list() {
                return List.copyOf(wholeCopies);
            }

            @Override
            public ContentHash write(InputStream content) {
                throw unused();
            }

            @Override
            public Optional<SeekableByteChannel> read(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public boolean exists(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public OptionalLong size(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public boolean delete(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public FragmentCheck verify(ContentHash tesseraHash) {
                throw unused();
            }

            @Override
            public boolean quarantine(ContentHash tesseraHash, String reason) {
                throw unused();
            }

            @Override
            public List<QuarantinedFile> quarantined() {
                throw unused();
            }
        };
    }

    ReciprocityLedger ledger() {
        return new ReciprocityLedger() {
            @Override
            public List<LedgerEntry> entries() {
                return List.copyOf(accounts);
            }

            @Override
            public void recordStoredForPeer(NodeId peer, long bytes) {
                throw unused();
            }

            @Override
            public void recordPeerStoresForUs(NodeId peer, long bytes) {
                throw unused();
            }

            @Override
            public long balance(NodeId peer) {
                throw unused();
            }

            @Override
            public long bytesStoredFor(NodeId peer) {
                throw unused();
            }

            @Override
            public Optional<LedgerEntry> entry(NodeId peer) {
                throw unused();
            }

            @Override
            public List<LedgerEntry> bestPeers(int count) {
                throw unused();
            }

            @Override
            public String placeInSubnet(NodeId peer, String subnet) {
                throw unused();
            }

            @Override
            public long subnetBalance(String subnet) {
                throw unused();
            }

            @Override
            public long bytesStoredForSubnet(String subnet) {
                throw unused();
            }
        };
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("an identity import only lists what is held");
    }
}
