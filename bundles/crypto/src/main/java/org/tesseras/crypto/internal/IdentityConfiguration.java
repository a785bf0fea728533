package org.tesseras.crypto.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node identity (PID {@code org.tesseras.identity}). */
@ObjectClassDefinition(name = "Tesseras node identity",
        description = "The node's Ed25519 key and the proof-of-work its NodeId must carry.")
public @interface IdentityConfiguration {

    /** PID shared by the identity and the verifier. */
    String PID = "org.tesseras.identity";

    @AttributeDefinition(name = "Proof-of-work difficulty",
            description = "Leading zero bits of BLAKE3(public key || nonce) our nonce and every peer's must show"
                    + " (0-40; each bit doubles the one-time minting, 28 takes minutes of one core).",
            min = "0", max = "40")
    int powDifficulty() default 28;

    @AttributeDefinition(name = "Key file",
            description = "Where the identity key is kept; empty means ${karaf.data}/tesseras/identity.key.")
    String keyFile() default "";
}
