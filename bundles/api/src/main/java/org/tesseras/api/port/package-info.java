/** The ports: services adapters provide and the node's parts meet through. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("4.2.0")
package org.tesseras.api.port;
