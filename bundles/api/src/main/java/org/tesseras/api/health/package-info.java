/** The node's health checks as operators read them: each concern, its status and what to do about it. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tesseras.api.health;
