package org.tesseras.status.page.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the status page login (PID {@code org.tesseras.statuspage}). */
@ObjectClassDefinition(name = "Tesseras status page",
        description = "Who may read the status page at /tesseras/: users of a Karaf JAAS realm with a role.")
public @interface StatusPageConfiguration {

    /** The configuration PID. */
    String PID = "org.tesseras.statuspage";

    @AttributeDefinition(name = "JAAS realm", description = "The Karaf JAAS realm that checks user and password.")
    String realm() default "karaf";

    @AttributeDefinition(name = "Role", description = "The role a user needs (bin/tesseras-user gives admin and viewer).")
    String role() default "viewer";
}
