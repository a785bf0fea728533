/** Control messages between nodes. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.tesseras.api.message;
