package org.tesseras.api.port;

import java.io.IOException;
import java.util.Objects;

import org.tesseras.api.model.TesseraManifest;

/** A tessera already has a manifest that describes other fragments than the one offered. */
public class ManifestConflictException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient TesseraManifest recorded;

    public ManifestConflictException(TesseraManifest recorded, TesseraManifest offered) {
        super("tessera " + recorded.tesseraHash() + " is kept under another manifest (owner "
                + recorded.owner().shortHex() + ", " + recorded.plan().dataShards() + "+"
                + recorded.plan().parityShards() + ") than the one offered (owner " + offered.owner().shortHex()
                + ", " + offered.plan().dataShards() + "+" + offered.plan().parityShards() + ")");
        this.recorded = Objects.requireNonNull(recorded, "recorded manifest");
    }

    /** The manifest the store keeps. */
    public TesseraManifest recorded() {
        return recorded;
    }
}
