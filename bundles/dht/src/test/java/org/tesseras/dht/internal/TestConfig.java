package org.tesseras.dht.internal;

import java.lang.annotation.Annotation;

/** A {@link DhtConfiguration} with the metatype defaults, changed field by field. */
final class TestConfig implements DhtConfiguration {
    String[] seeds = {};
    int k = 20;
    int alpha = 3;
    long rpcTimeoutMillis = 5000;
    int maxFailedRpcs = 3;
    long refreshIntervalSeconds = 3600;
    long republishIntervalSeconds = 3600;
    long pointerTtlSeconds = 86400;
    int maxStoredPointers = 20000;
    int maxPointersPerTessera = 64;
    int maxCataloguePages = 20000;
    long catalogueTtlSeconds = 2592000;
    long bootstrapRetryMaxSeconds = 300;
    /** No file unless a test wants one. */
    String knownContactsFile = "none";
    int maxNodesPerSubnetPerBucket = 2;
    int maxNodesPerSubnet = 10;

    DhtSettings settings() {
        return DhtSettings.from(this);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return DhtConfiguration.class;
    }

    @Override
    public String[] seeds() {
        return seeds.clone();
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int alpha() {
        return alpha;
    }

    @Override
    public long rpcTimeoutMillis() {
        return rpcTimeoutMillis;
    }

    @Override
    public int maxFailedRpcs() {
        return maxFailedRpcs;
    }

    @Override
    public long refreshIntervalSeconds() {
        return refreshIntervalSeconds;
    }

    @Override
    public long republishIntervalSeconds() {
        return republishIntervalSeconds;
    }

    @Override
    public long pointerTtlSeconds() {
        return pointerTtlSeconds;
    }

    @Override
    public int maxStoredPointers() {
        return maxStoredPointers;
    }

    @Override
    public long bootstrapRetryMaxSeconds() {
        return bootstrapRetryMaxSeconds;
    }

    @Override
    public String knownContactsFile() {
        return knownContactsFile;
    }

    @Override
    public int maxPointersPerTessera() {
        return maxPointersPerTessera;
    }

    @Override
    public int maxCataloguePages() {
        return maxCataloguePages;
    }

    @Override
    public long catalogueTtlSeconds() {
        return catalogueTtlSeconds;
    }

    @Override
    public int maxNodesPerSubnetPerBucket() {
        return maxNodesPerSubnetPerBucket;
    }

    @Override
    public int maxNodesPerSubnet() {
        return maxNodesPerSubnet;
    }
}
