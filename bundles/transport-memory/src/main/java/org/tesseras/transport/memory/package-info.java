/**
 * An in-memory {@link org.tesseras.api.port.Transport} for deterministic tests of everything above the
 * transport: a {@link org.tesseras.transport.memory.MemoryNetwork} of
 * {@link org.tesseras.transport.memory.MemoryTransport}s that can be taken down or made unresponsive.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tesseras.transport.memory;
