/**
 * What storage backend bundles share beside the {@link org.tesseras.api.port.StorageBackend} port: registering
 * their stores with their rank.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tesseras.api.storage;
