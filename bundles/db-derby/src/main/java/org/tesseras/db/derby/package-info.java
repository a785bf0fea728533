/**
 * What the node's Derby-using adapters share: their own schema migrations ({@link org.tesseras.db.derby.AdapterSchema}),
 * transactions with retry on a lost insert race, and UTC timestamps. The DataSource itself is a service ({@code (tesseras.db=node)}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tesseras.db.derby;
