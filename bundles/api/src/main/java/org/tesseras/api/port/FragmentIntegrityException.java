package org.tesseras.api.port;

import java.io.IOException;

/** Fragment bytes did not match the checksum or length they were announced with. */
public class FragmentIntegrityException extends IOException {
    private static final long serialVersionUID = 1L;

    public FragmentIntegrityException(String message) {
        super(message);
    }
}
