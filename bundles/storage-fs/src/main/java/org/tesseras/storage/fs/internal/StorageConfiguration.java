package org.tesseras.storage.fs.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the file-system stores (PID {@code org.tesseras.storage.fs}). */
@ObjectClassDefinition(name = "Tesseras file-system storage",
        description = "Where fragments ({root}/fragments) and the owner's whole tesseras ({root}/blobs) are kept.")
public @interface StorageConfiguration {

    /** PID shared by the fragment store and the blob store. */
    String PID = "org.tesseras.storage.fs";

    @AttributeDefinition(name = "Root directory",
            description = "Directory holding fragments/ and blobs/; empty means ${karaf.data}/tesseras.")
    String rootDirectory() default "";

    @AttributeDefinition(name = "Write peers' fragments around the page cache",
            description = "Fragments received from peers are written with O_DIRECT where the file system allows it:"
                    + " they are read again rarely, so caching them only costs a copy and evicts what is worth"
                    + " caching. false writes them through the page cache, like everything else.")
    boolean peerFragmentsUncached() default true;
}
