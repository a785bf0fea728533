package org.tesseras.crypto.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.IdentityImportResult;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.BlobStore;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.IdentityTransfer;
import org.tesseras.api.port.ReciprocityLedger;

/**
 * Exports the node's key file as {@link IdentityText} and imports one in its place. An import is refused on a node
 * that holds data (tesseras, whole copies or ledger accounts made under its own identity) or cannot tell, and for a
 * key whose NodeId ({@code BLAKE3(publicKey || nonce)[0..20]}) lacks the configured proof-of-work, as
 * {@link PowIdentityVerifier} checks every peer's. It writes the new key file atomically, keeps the old one as
 * {@code identity.key.replaced-<UTC time>}, and disables and enables {@link FileNodeIdentity}, so every component
 * that needs the identity restarts with the new one.
 */
@Component(service = IdentityTransfer.class, configurationPid = IdentityConfiguration.PID)
public final class FileIdentityTransfer implements IdentityTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(FileIdentityTransfer.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FragmentStore fragments;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BlobStore blobs;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ReciprocityLedger ledger;

    private final Hasher hasher;
    private final PowIdentityVerifier verifier;
    private final Path keyFile;
    private final int powDifficulty;
    private final Runnable restartIdentity;
    private final Clock clock;

    @Activate
    public FileIdentityTransfer(@Reference Hasher hasher, IdentityConfiguration config, ComponentContext context) {
        this(hasher, config, () -> {
            context.disableComponent(FileNodeIdentity.COMPONENT_NAME);
            context.enableComponent(FileNodeIdentity.COMPONENT_NAME);
        }, Clock.systemUTC());
    }

    /** {@code restartIdentity} makes the running node load the key file again. */
    FileIdentityTransfer(Hasher hasher, IdentityConfiguration config, Runnable restartIdentity, Clock clock) {
        this.hasher = hasher;
        this.verifier = new PowIdentityVerifier(hasher, config);
        this.powDifficulty = verifier.powDifficulty();
        this.keyFile = FileNodeIdentity.keyFile(config);
        this.restartIdentity = restartIdentity;
        this.clock = clock;
    }

    @Override
    public String exportText() throws IOException {
        IdentityKeyFile.Contents contents = IdentityKeyFile.read(keyFile, hasher);
        int bits = ProofOfWork.powBits(hasher, contents.publicKey(), contents.nonce());
        if (bits < powDifficulty) {
            LOG.warn("Exporting the identity key of node {}, which shows {} bits of proof-of-work where this node asks"
                    + " for {}: a node asking for as many refuses it", contents.nodeId(), bits, powDifficulty);
        }
        String text = IdentityText.encode(Ed25519.seed(contents.privateKey()), contents.nonce(), contents.nodeId());
        LOG.info("The identity key of node {} was exported as text", contents.nodeId());
        return text;
    }

    @Override
    public synchronized IdentityImportResult importText(String text) throws IOException {
        IdentityText.Key key = IdentityText.decode(text);
        KeyPair keys = Ed25519.fromSeed(key.seed());
        byte[] publicKey = Ed25519.rawPublicKey(keys.getPublic());
        NodeId imported = ProofOfWork.nodeIdOf(hasher, publicKey);
        if (key.nodeIdWritten().isPresent() && !key.nodeIdWritten().get().equals(imported)) {
            throw new IllegalArgumentException("the key checks out but is the key of node " + imported + ", not of node "
                    + key.nodeIdWritten().get() + " written with it: check the NodeId line, or that the key and the"
                    + " NodeId were copied from the same export");
        }
        int bits = ProofOfWork.powBits(hasher, publicKey, key.nonce());
        if (!verifier.verifyPow(imported, publicKey, key.nonce())) {
            throw new IOException("the NodeId " + imported + " shows " + bits + " bits of proof-of-work, this"
                    + " node asks for " + powDifficulty + " (powDifficulty in " + IdentityConfiguration.PID + "), so"
                    + " its peers would refuse it; import a key exported by a node of this network");
        }
        Optional<NodeId> previous = currentIdentity();
        if (previous.equals(Optional.of(imported))) {
            LOG.info("Identity import of node {}: it is this node's identity already, nothing changed", imported);
            return new IdentityImportResult(previous, imported, Optional.empty(),
                    List.of("the key is this node's identity already; nothing changed"));
        }
        refuseIfHoldingData(previous);

        List<String> notes = new ArrayList<>();
        Path kept = null;
        if (Files.exists(keyFile)) {
            kept = freeName(keyFile.resolveSibling(keyFile.getFileName() + ".replaced-" + STAMP.format(clock.instant())));
            notes.add("the key file of " + previous.map(id -> "node " + id).orElse("no readable identity")
                    + " is kept as " + kept + "; it still makes whoever holds it that node: keep it as safe as the"
                    + " new one, or delete it");
        }
        IdentityKeyFile.replace(keyFile, hasher, keys, key.nonce(), kept);
        NodeId written = IdentityKeyFile.read(keyFile, hasher).nodeId();
        if (!written.equals(imported)) {
            throw new IOException("the key file " + keyFile + " holds node " + written + " after writing node "
                    + imported + "; the key it replaced is kept as " + kept);
        }
        LOG.warn("Node identity replaced by an imported key: was {}, is now {} ({} bits of proof-of-work); key file {},"
                + " the old one kept as {}. Every service using the identity restarts with the new one.",
                previous.map(NodeId::toString).orElse("none readable"), imported, bits, keyFile,
                kept == null ? "(there was none)" : kept);
        restartIdentity.run();
        notes.add("the node now runs as " + imported + "; its services restart with that identity");
        return new IdentityImportResult(previous, imported, Optional.ofNullable(kept), notes);
    }

    /**
     * The NodeId of the key file, or empty when there is no file or it is damaged (the node then has no identity).
     * A key with less proof-of-work than asked for is still the node's: it holds it, even if it cannot run with it.
     */
    private Optional<NodeId> currentIdentity() {
        if (!Files.exists(keyFile)) {
            return Optional.empty();
        }
        IdentityKeyFile.Contents contents;
        try {
            contents = IdentityKeyFile.read(keyFile, hasher);
        } catch (IOException e) {
            LOG.warn("Identity import over a key file that cannot be read: {}", e.getMessage());
            return Optional.empty();
        }
        return Optional.of(contents.nodeId());
    }

    /** Refuses when the node holds data under its identity, or when a store that could hold some is not running. */
    private void refuseIfHoldingData(Optional<NodeId> current) throws IOException {
        List<String> held = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        FragmentStore fragmentStore = fragments;
        BlobStore blobStore = blobs;
        ReciprocityLedger accounts = ledger;
        count(fragmentStore == null ? null : fragmentStore.listTesseras().size(), "tessera(s) in the fragment store",
                "fragment store (bundle tesseras-storage-fs)", held, unknown);
        count(blobStore == null ? null : blobStore.list().size(), "whole tessera(s) in the blob store",
                "blob store (bundle tesseras-storage-fs)", held, unknown);
        count(accounts == null ? null : accounts.entries().size(), "ledger account(s) with peers",
                "reciprocity ledger (bundle tesseras-ledger-derby)", held, unknown);
        String who = current.map(id -> "node " + id).orElse("this node");
        if (!held.isEmpty()) {
            throw new IOException("refused: " + who + " already holds data under its own identity ("
                    + String.join(", ", held) + "); import an identity on a fresh node (an empty data directory)");
        }
        if (!unknown.isEmpty()) {
            throw new IOException("refused: cannot check that " + who + " holds no data, because no "
                    + String.join(", no ", unknown) + " is running; start it (bundle:list shows it) and import again");
        }
    }

    private static void count(Integer items, String what, String store, List<String> held, List<String> unknown) {
        if (items == null) {
            unknown.add(store);
        } else if (items > 0) {
            held.add(items + " " + what);
        }
    }

    private static Path freeName(Path wanted) {
        Path name = wanted;
        for (int n = 2; Files.exists(name); n++) {
            name = wanted.resolveSibling(wanted.getFileName() + "-" + n);
        }
        return name;
    }
}
