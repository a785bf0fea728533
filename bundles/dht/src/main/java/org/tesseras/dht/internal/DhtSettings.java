package org.tesseras.dht.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The DHT's configuration, checked: every value in range, each refusal naming its property. */
record DhtSettings(List<Seed> seeds, int k, int alpha, long rpcTimeoutMillis, int maxFailedRpcs,
        long refreshIntervalSeconds, long republishIntervalSeconds, long pointerTtlSeconds, int maxStoredPointers,
        int maxPointersPerTessera, int maxCataloguePages, long catalogueTtlSeconds, long bootstrapRetryInitialMillis,
        long bootstrapRetryMaxSeconds, Optional<Path> knownContactsFile, int maxNodesPerSubnetPerBucket,
        int maxNodesPerSubnet) {

    /** Largest k: a FoundNodes reply of k NodeInfos must stay far below the 64 KiB message cap. */
    static final int MAX_K = 100;
    /** First wait between two seed bootstrap rounds; it doubles up to the configured cap. */
    static final long BOOTSTRAP_RETRY_INITIAL_MILLIS = 1000;

    DhtSettings {
        seeds = List.copyOf(seeds);
        require(k >= 1 && k <= MAX_K, "k", "1.." + MAX_K, k);
        require(alpha >= 1 && alpha <= k, "alpha", "1..k (" + k + ")", alpha);
        require(rpcTimeoutMillis >= 1, "rpcTimeoutMillis", ">= 1", rpcTimeoutMillis);
        require(maxFailedRpcs >= 1, "maxFailedRpcs", ">= 1", maxFailedRpcs);
        require(refreshIntervalSeconds >= 1, "refreshIntervalSeconds", ">= 1", refreshIntervalSeconds);
        require(pointerTtlSeconds >= 1, "pointerTtlSeconds", ">= 1", pointerTtlSeconds);
        require(republishIntervalSeconds >= 1, "republishIntervalSeconds", ">= 1", republishIntervalSeconds);
        require(maxStoredPointers >= 1, "maxStoredPointers", ">= 1", maxStoredPointers);
        require(maxPointersPerTessera >= 1, "maxPointersPerTessera", ">= 1", maxPointersPerTessera);
        require(maxCataloguePages >= 1, "maxCataloguePages", ">= 1", maxCataloguePages);
        require(catalogueTtlSeconds > republishIntervalSeconds, "catalogueTtlSeconds",
                "> republishIntervalSeconds (pages would expire between republishes)", catalogueTtlSeconds);
        require(bootstrapRetryInitialMillis >= 1, "bootstrapRetryInitialMillis", ">= 1", bootstrapRetryInitialMillis);
        require(bootstrapRetryMaxSeconds >= 1, "bootstrapRetryMaxSeconds", ">= 1", bootstrapRetryMaxSeconds);
        Objects.requireNonNull(knownContactsFile, "knownContactsFile");
        require(maxNodesPerSubnetPerBucket >= 1 && maxNodesPerSubnetPerBucket <= k, "maxNodesPerSubnetPerBucket",
                "1..k (" + k + ")", maxNodesPerSubnetPerBucket);
        require(maxNodesPerSubnet >= maxNodesPerSubnetPerBucket, "maxNodesPerSubnet",
                ">= maxNodesPerSubnetPerBucket (" + maxNodesPerSubnetPerBucket + ")", maxNodesPerSubnet);
    }

    /**
     * Checks {@code config}; a bad value throws {@link IllegalArgumentException} naming the property. Each
     * seeds entry may itself list several seeds separated by commas or blanks (as a plain .cfg line does).
     */
    static DhtSettings from(DhtConfiguration config) {
        List<Seed> seeds = new ArrayList<>();
        for (String entry : config.seeds() == null ? new String[0] : config.seeds()) {
            for (String text : entry == null ? new String[0] : entry.split("[,\\s]+")) {
                if (!text.isEmpty()) {
                    seeds.add(Seed.parse(text));
                }
            }
        }
        return new DhtSettings(seeds, config.k(), config.alpha(), config.rpcTimeoutMillis(), config.maxFailedRpcs(),
                config.refreshIntervalSeconds(), config.republishIntervalSeconds(), config.pointerTtlSeconds(),
                config.maxStoredPointers(), config.maxPointersPerTessera(), config.maxCataloguePages(),
                config.catalogueTtlSeconds(), BOOTSTRAP_RETRY_INITIAL_MILLIS, config.bootstrapRetryMaxSeconds(),
                knownContactsFile(config.knownContactsFile()), config.maxNodesPerSubnetPerBucket(),
                config.maxNodesPerSubnet());
    }

    /** The configured file; empty text means the default under {@code karaf.data}, "none" means no file. */
    private static Optional<Path> knownContactsFile(String configured) {
        String text = configured == null ? "" : configured.strip();
        if (text.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        if (text.isEmpty()) {
            return Optional.of(Path.of(System.getProperty("karaf.data", "data"), "tesseras", "dht-contacts")
                    .toAbsolutePath());
        }
        return Optional.of(Path.of(text).toAbsolutePath());
    }

    long refreshIntervalMillis() {
        return refreshIntervalSeconds * 1000;
    }

    long pointerTtlMillis() {
        return pointerTtlSeconds * 1000;
    }

    long catalogueTtlMillis() {
        return catalogueTtlSeconds * 1000;
    }

    private static void require(boolean ok, String property, String range, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(DhtConfiguration.PID + " " + property + " must be " + range + ", got "
                    + value);
        }
    }

    /** A seed address as configured; resolved at each attempt, so a name that fails once may work later. */
    record Seed(String host, int port) {
        Seed {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException(DhtConfiguration.PID + " seeds: empty host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(DhtConfiguration.PID + " seeds: port of " + host
                        + " must be 1-65535, got " + port);
            }
        }

        /** Parses {@code host:port} or {@code [ipv6]:port}. */
        static Seed parse(String text) {
            String host;
            String port;
            if (text.startsWith("[")) {
                int close = text.indexOf("]:");
                if (close < 0) {
                    throw badSeed(text);
                }
                host = text.substring(1, close);
                port = text.substring(close + 2);
            } else {
                int colon = text.lastIndexOf(':');
                if (colon <= 0 || text.indexOf(':') != colon) {
                    throw badSeed(text);
                }
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
            try {
                return new Seed(host, Integer.parseInt(port));
            } catch (NumberFormatException e) {
                throw badSeed(text);
            }
        }

        /** The socket address now; unresolved when the name does not resolve. */
        InetSocketAddress resolve() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        private static IllegalArgumentException badSeed(String text) {
            return new IllegalArgumentException(DhtConfiguration.PID + " seeds: '" + text
                    + "' is not host:port (use [address]:port for IPv6)");
        }
    }
}
