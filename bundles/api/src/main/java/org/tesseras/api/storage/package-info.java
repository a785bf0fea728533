/**
 * What storage backend bundles share beside the {@link org.tesseras.api.port.StorageBackend} port: registering
 * their stores with their rank, and the state and re-ranking every backend has.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tesseras.api.storage;
