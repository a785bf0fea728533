package org.tesseras.storage.s3.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/** The S3 backend's configuration, validated: every bad value is refused with a message naming its property. */
record S3Settings(URI endpoint, String region, String bucket, String prefix, String accessKey, String secretKey,
        boolean pathStyleAccess, boolean createBucket, long partSizeBytes, long capacityBytes,
        int requestTimeoutMillis) {
    /** The smallest part S3 accepts (except the last one of an upload). */
    static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    static final long MAX_PART_BYTES = 512L * 1024 * 1024;

    S3Settings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(prefix, "prefix");
    }

    static S3Settings from(S3StorageConfiguration config) {
        String pid = S3StorageConfiguration.PID;
        URI endpoint = null;
        String configuredEndpoint = strip(config.endpoint());
        if (!configuredEndpoint.isEmpty()) {
            try {
                endpoint = new URI(configuredEndpoint);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(pid + " endpoint must be a URL like http://127.0.0.1:9000, got '"
                        + configuredEndpoint + "'");
            }
            if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException(pid + " endpoint must be an http or https URL with a host, got '"
                        + configuredEndpoint + "'");
            }
        }
        String region = strip(config.region());
        if (region.isEmpty()) {
            throw new IllegalArgumentException(pid + " region must not be empty (us-east-1 suits most servers)");
        }
        String bucket = strip(config.bucket());
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException(pid + " bucket must be a bucket name (3-63 lowercase letters, digits,"
                    + " dots and hyphens), got '" + bucket + "'");
        }
        String prefix = strip(config.prefix());
        if (prefix.startsWith("/") || prefix.contains("..") || prefix.contains("//")
                || (!prefix.isEmpty() && !prefix.endsWith("/"))) {
            throw new IllegalArgumentException(pid + " prefix must be empty or a relative key prefix ending with /,"
                    + " got '" + prefix + "'");
        }
        String accessKey = strip(config.accessKey());
        String secretKey = config.secretKey() == null ? "" : config.secretKey();
        if (accessKey.isEmpty() || secretKey.isEmpty()) {
            throw new IllegalArgumentException(pid + " accessKey and secretKey must both be set");
        }
        if (config.partSizeBytes() < MIN_PART_BYTES || config.partSizeBytes() > MAX_PART_BYTES) {
            throw new IllegalArgumentException(pid + " partSizeBytes must be " + MIN_PART_BYTES + ".." + MAX_PART_BYTES
                    + ", got " + config.partSizeBytes());
        }
        if (config.capacityBytes() < 0) {
            throw new IllegalArgumentException(pid + " capacityBytes must be >= 0 (0: no limit), got "
                    + config.capacityBytes());
        }
        if (config.requestTimeoutMillis() < 100) {
            throw new IllegalArgumentException(pid + " requestTimeoutMillis must be >= 100, got "
                    + config.requestTimeoutMillis());
        }
        return new S3Settings(endpoint, region, bucket, prefix, accessKey, secretKey, config.pathStyleAccess(),
                config.createBucket(), config.partSizeBytes(), config.capacityBytes(), config.requestTimeoutMillis());
    }

    /** Where the backend keeps things, for an operator: endpoint, bucket and prefix, never the credentials. */
    String location() {
        return (endpoint == null ? "s3://" : endpoint + "/") + bucket + "/" + prefix;
    }

    @Override
    public String toString() {
        return "S3Settings[" + location() + ", region " + region + ", part " + partSizeBytes + " bytes]";
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }
}
