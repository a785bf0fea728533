package org.tesseras.storage.s3.internal;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.util.Properties;
import java.util.UUID;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for the tests: S3Proxy in this JVM on 127.0.0.1 (a free port), over its in-memory store,
 * with signature checks on. The test that starts it closes it. Shipped in this module's test jar for the tests
 * of other modules.
 */
public final class S3TestServer implements AutoCloseable {
    static final String ACCESS_KEY = "tesseras-test";
    static final String SECRET_KEY = "tesseras-test-secret";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    public S3TestServer() throws Exception {
        this(null);
    }

    /** A server keeping its objects in files under {@code baseDirectory} (as MinIO does), or in memory when null. */
    public S3TestServer(java.nio.file.Path baseDirectory) throws Exception {
        Properties overrides = new Properties();
        if (baseDirectory != null) {
            overrides.setProperty("jclouds.filesystem.basedir", baseDirectory.toString());
        }
        context = ContextBuilder.newBuilder(baseDirectory == null ? "transient-nio2" : "filesystem-nio2")
                .credentials("identity", "credential").overrides(overrides).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** Settings for a fresh bucket on this server (created by the backend), with 5 MiB parts. */
    public S3StorageConfiguration config() {
        return config("test-" + UUID.randomUUID().toString().substring(0, 8), "node/");
    }

    public S3StorageConfiguration config(String bucket, String prefix) {
        String endpoint = endpoint();
        return new S3StorageConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return S3StorageConfiguration.class;
            }

            @Override
            public String endpoint() {
                return endpoint;
            }

            @Override
            public String region() {
                return "us-east-1";
            }

            @Override
            public String bucket() {
                return bucket;
            }

            @Override
            public String prefix() {
                return prefix;
            }

            @Override
            public String accessKey() {
                return ACCESS_KEY;
            }

            @Override
            public String secretKey() {
                return SECRET_KEY;
            }

            @Override
            public boolean pathStyleAccess() {
                return true;
            }

            @Override
            public boolean createBucket() {
                return true;
            }

            @Override
            public long partSizeBytes() {
                return S3Settings.MIN_PART_BYTES;
            }

            @Override
            public long capacityBytes() {
                return 0;
            }

            @Override
            public int requestTimeoutMillis() {
                return 30_000;
            }
        };
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
