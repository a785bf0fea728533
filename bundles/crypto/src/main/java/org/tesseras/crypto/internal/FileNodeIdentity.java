package org.tesseras.crypto.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
 * Disabled until {@link IdentityMint} has made sure the key file needs no minting.
 */
@Component(name = FileNodeIdentity.COMPONENT_NAME, service = NodeIdentity.class,
        configurationPid = IdentityConfiguration.PID, enabled = false)
@Designate(ocd = IdentityConfiguration.class)
public final class FileNodeIdentity implements NodeIdentity {
    /** The component's name (the default, its class name), which other components disable and enable it by. */
    static final String COMPONENT_NAME = "org.tesseras.crypto.internal.FileNodeIdentity";

    private static final Logger LOG = LoggerFactory.getLogger(FileNodeIdentity.class);

    /** The most proof-of-work a configuration may ask for (bits; each one doubles the minting time). */
    static final int MAX_DIFFICULTY_BITS = 40;

    private final Hasher hasher;
    private final Path keyFile;
    private final PrivateKey privateKey;
    private final byte[] publicKey;
    private final long nonce;
    private final NodeId nodeId;

    /**
     * Loads the key file. It never mints: {@link IdentityMint} enables this component once the key shows the
     * proof-of-work asked, so a raised {@code powDifficulty} is minted in the background, not on the thread that
     * starts components.
     *
     * @throws IllegalStateException when the key file is missing or shows less proof-of-work than asked for
     * @throws UncheckedIOException when the key file is damaged (it is kept as it is)
     */
    @Activate
    public FileNodeIdentity(@Reference Hasher hasher, IdentityConfiguration config) {
        int difficulty = checkDifficulty(config.powDifficulty());
        this.keyFile = keyFile(config);
        this.hasher = hasher;
        try {
            if (!NonceMint.isReady(keyFile, hasher, difficulty)) {
                throw new IllegalStateException("identity key file " + keyFile + " is missing or shows less than the "
                        + difficulty + " bits of proof-of-work asked for (powDifficulty in " + IdentityConfiguration.PID
                        + "); the node mints them in the background and starts its identity when done");
            }
            IdentityKeyFile.Contents contents = IdentityKeyFile.read(keyFile, hasher);
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
        LOG.info("Node identity {} ({} bits of proof-of-work) from {}", nodeId, powBits(), keyFile);
    }

    /**
     * The identity of the configured key file, creating the key or minting its nonce first on the calling thread
     * where needed: for tests and tools outside the framework.
     */
    public static FileNodeIdentity minted(Hasher hasher, IdentityConfiguration config) {
        Path keyFile = keyFile(config);
        try {
            NonceMint.ensure(keyFile, hasher, checkDifficulty(config.powDifficulty()));
        } catch (IOException e) {
            LOG.error("Node identity unavailable: {}", e.getMessage());
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while minting the identity of " + keyFile, e);
        }
        return new FileNodeIdentity(hasher, config);
    }

    /** The key file the configuration names: {@code keyFile}, or {@code ${karaf.data}/tesseras/identity.key}. */
    static Path keyFile(IdentityConfiguration config) {
        return config.keyFile().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "tesseras", "identity.key")
                : Path.of(config.keyFile());
    }

    static int checkDifficulty(int bits) {
        if (bits < 0 || bits > MAX_DIFFICULTY_BITS) {
            throw new IllegalArgumentException("org.tesseras.identity powDifficulty must be 0.." + MAX_DIFFICULTY_BITS
                    + ", got " + bits);
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
    public int powBits() {
        return ProofOfWork.powBits(hasher, publicKey, nonce);
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
