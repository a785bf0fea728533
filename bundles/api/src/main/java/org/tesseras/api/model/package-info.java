/** The Tesseras domain model: immutable values that validate on construction. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("3.4.0")
package org.tesseras.api.model;
