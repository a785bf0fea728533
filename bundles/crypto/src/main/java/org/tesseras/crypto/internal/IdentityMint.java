package org.tesseras.crypto.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.port.Hasher;

/**
 * Mints the node's proof-of-work in the background so that a first start (minutes of one core at the shipped
 * difficulty) does not hold up Karaf: when the key file needs no minting it enables {@link FileNodeIdentity} at
 * once, else it mints on its own thread, saying how far it got every 30 s, and enables it when done. Until then
 * the node has no identity, so its transport, DHT and replication wait; a raised {@code powDifficulty} stops the
 * identity the same way until the key shows the new work (its NodeId stays, only the nonce changes). Stopped, it
 * leaves its progress in the {@code .mint} file beside the key and goes on from there at the next start.
 */
@Component(immediate = true, configurationPid = IdentityConfiguration.PID)
public final class IdentityMint {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityMint.class);
    /** The component this one enables. */
    static final String IDENTITY_COMPONENT = FileNodeIdentity.COMPONENT_NAME;

    private final Thread minting;

    @Activate
    public IdentityMint(@Reference Hasher hasher, IdentityConfiguration config, ComponentContext context) {
        int difficulty = FileNodeIdentity.checkDifficulty(config.powDifficulty());
        Path keyFile = FileNodeIdentity.keyFile(config);
        boolean ready;
        try {
            ready = NonceMint.isReady(keyFile, hasher, difficulty);
        } catch (IOException e) {
            LOG.error("Node identity unavailable: {}", e.getMessage());
            this.minting = null;
            return;
        }
        if (ready) {
            this.minting = null;
            context.enableComponent(IDENTITY_COMPONENT);
            return;
        }
        // an identity running with a lower difficulty (powDifficulty was raised) stops until the new work is done
        context.disableComponent(IDENTITY_COMPONENT);
        this.minting = new Thread(() -> {
            try {
                NonceMint.ensure(keyFile, hasher, difficulty);
                context.enableComponent(IDENTITY_COMPONENT);
            } catch (InterruptedException e) {
                LOG.info("Minting the node identity stopped with the bundle; it goes on at the next start");
            } catch (IOException | RuntimeException e) {
                LOG.error("Node identity unavailable: {}", e.getMessage(), e);
            }
        }, "tesseras-identity-mint");
        minting.setDaemon(true);
        minting.setPriority(Thread.MIN_PRIORITY);
        minting.start();
    }

    /** Stops a search still running and waits for its thread. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        if (minting != null) {
            minting.interrupt();
            minting.join(10_000);
        }
    }
}
