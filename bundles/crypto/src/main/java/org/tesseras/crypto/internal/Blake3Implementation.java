package org.tesseras.crypto.internal;

/**
 * Which BLAKE3 this JVM runs: chunks side by side through the JDK Vector API ({@link Blake3VectorLanes}) when the
 * module {@code jdk.incubator.vector} is in the boot layer and loads, else the scalar code alone. Decided once.
 */
final class Blake3Implementation {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String DESCRIPTION;
    private static final boolean VECTOR;

    static {
        String description;
        boolean vector = false;
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            description = "scalar, one chunk at a time (the JVM runs without " + VECTOR_MODULE
                    + "; with --add-modules " + VECTOR_MODULE + " it hashes several chunks at once)";
        } else {
            try {
                int lanes = Blake3VectorLanes.laneCount();
                if (lanes >= 8) {
                    vector = true;
                    description = "Vector API, " + lanes + " chunks at once (" + Blake3VectorLanes.vectorShape()
                            + " vectors)";
                } else {
                    description = "scalar, one chunk at a time (the CPU's vectors hold only " + lanes + " ints)";
                }
            } catch (LinkageError e) {
                description = "scalar, one chunk at a time (" + VECTOR_MODULE + " is in the JVM but cannot be loaded"
                        + " here: " + e + ")";
            }
        }
        DESCRIPTION = description;
        VECTOR = vector;
    }

    private Blake3Implementation() {
    }

    /** Lanes for one hash, or null where only the scalar code runs. */
    static Blake3Lanes newLanes() {
        return VECTOR ? new Blake3VectorLanes() : null;
    }

    /** Whether hashes run through the Vector API. */
    static boolean vector() {
        return VECTOR;
    }

    /** What runs, in words, for the log. */
    static String description() {
        return DESCRIPTION;
    }
}
