/** What the node counts and times about itself, in its own words; an adapter exports it (JMX, Prometheus). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tesseras.api.metrics;
