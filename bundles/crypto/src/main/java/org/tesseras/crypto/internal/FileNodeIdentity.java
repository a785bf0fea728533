package org.tesseras.crypto.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;
import org.tesseras.api.port.NodeIdentity;

/**
 * The node's identity, kept in a key file: created with a proof-of-work nonce on first start, loaded
 * unchanged on every later start. A damaged file stops the component with an error naming the file.
 */
@Component(name = FileNodeIdentity.COMPONENT_NAME, service = NodeIdentity.class,
        configurationPid = IdentityConfiguration.PID)
@Designate(ocd = IdentityConfiguration.class)
public final class FileNodeIdentity implements NodeIdentity {
    /** The component's name (the default, its class name), which other components disable and enable it by. */
    static final String COMPONENT_NAME = "org.tesseras.crypto.internal.FileNodeIdentity";

    private static final Logger LOG = LoggerFactory.getLogger(FileNodeIdentity.class);

    private final Path keyFile;
    private final PrivateKey privateKey;
    private final byte[] publicKey;
    private final long nonce;
    private final NodeId nodeId;

    @Activate
    public FileNodeIdentity(@Reference Hasher hasher, IdentityConfiguration config) {
        int difficulty = checkDifficulty(config.powDifficulty());
        this.keyFile = keyFile(config);
        try {
            if (!Files.exists(keyFile)) {
                createIdentity(hasher, difficulty);
            }
            IdentityKeyFile.Contents contents = IdentityKeyFile.read(keyFile, hasher);
            if (contents.nodeId().leadingZeroBits() < difficulty) {
                throw new IllegalStateException("identity in " + keyFile + " has " + contents.nodeId().leadingZeroBits()
                        + " bits of proof-of-work but powDifficulty is " + difficulty
                        + ": lower org.tesseras.identity powDifficulty, or move the key file away to start as a new node");
            }
            if (!IdentityKeyFile.isOwnerOnly(keyFile)) {
                LOG.warn("Identity key file {} is readable by others than its owner; run: chmod 600 {}", keyFile,
                        keyFile);
            }
            this.privateKey = contents.privateKey();
            this.publicKey = contents.publicKey();
            this.nonce = contents.nonce();
            this.nodeId = contents.nodeId();
        } catch (IOException e) {
            LOG.error("Node identity unavailable: {}", e.getMessage());
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IllegalStateException e) {
            LOG.error("Node identity unavailable: {}", e.getMessage());
            throw e;
        }
        LOG.info("Node identity {} ({} bits of proof-of-work) from {}", nodeId, nodeId.leadingZeroBits(), keyFile);
    }

    private void createIdentity(Hasher hasher, int difficulty) throws IOException {
        KeyPair keys = Ed25519.generate();
        byte[] raw = Ed25519.rawPublicKey(keys.getPublic());
        long start = System.nanoTime();
        long found = ProofOfWork.findNonce(hasher, raw, difficulty);
        NodeId id = ProofOfWork.deriveNodeId(hasher, raw, found);
        IdentityKeyFile.create(keyFile, hasher, keys, found, id);
        LOG.info("Created node identity {} in {} (nonce {} found in {} ms)", id, keyFile, found,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** The key file the configuration names: {@code keyFile}, or {@code ${karaf.data}/tesseras/identity.key}. */
    static Path keyFile(IdentityConfiguration config) {
        return config.keyFile().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "tesseras", "identity.key")
                : Path.of(config.keyFile());
    }

    static int checkDifficulty(int bits) {
        if (bits < 0 || bits > 32) {
            throw new IllegalArgumentException("org.tesseras.identity powDifficulty must be 0..32, got " + bits);
        }
        return bits;
    }

    @Override
    public NodeId nodeId() {
        return nodeId;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public long nonce() {
        return nonce;
    }

    @Override
    public PrivateKey privateKey() {
        return privateKey;
    }

    @Override
    public byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    @Override
    public Path keyFile() {
        return keyFile;
    }
}
