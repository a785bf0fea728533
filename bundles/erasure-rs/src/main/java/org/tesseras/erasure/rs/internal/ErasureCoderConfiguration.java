package org.tesseras.erasure.rs.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Reed-Solomon erasure coder (PID {@code org.tesseras.erasure.rs}). */
@ObjectClassDefinition(name = "Tesseras Reed-Solomon erasure coder",
        description = "How the GF(2^8) Reed-Solomon codec spreads its work and how much memory streaming takes.")
public @interface ErasureCoderConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.erasure.rs";

    @AttributeDefinition(name = "Threads",
            description = "Cores one large encode or decode is spread over; 0 means all available processors, "
                    + "1 codes on the caller's thread only.", min = "0", max = "256")
    int threads() default 0;

    @AttributeDefinition(name = "Streaming slice (bytes)",
            description = "Bytes of every fragment read, coded, hashed and written at a time when a tessera is "
                    + "encoded or decoded; memory is about (data + parity shards) x this.", min = "4096",
            max = "16777216")
    int streamSliceBytes() default ReedSolomonErasureCoder.DEFAULT_STREAM_SLICE_BYTES;
}
