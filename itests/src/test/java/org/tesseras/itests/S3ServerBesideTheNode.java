package org.tesseras.itests;

import java.net.URI;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server (S3Proxy over its in-memory store, signatures checked) in the test runner's JVM on 127.0.0.1,
 * for the node under test to use; it lives as long as the runner. Used only on the runner side.
 */
final class S3ServerBesideTheNode {
    static final String ACCESS_KEY = "tesseras-itest";
    static final String SECRET_KEY = "tesseras-itest-secret";
    private static S3Proxy proxy;

    private S3ServerBesideTheNode() {
    }

    /** Starts the server once and returns its endpoint, http://127.0.0.1:port. */
    static synchronized String endpoint() {
        if (proxy == null) {
            try {
                BlobStoreContext context = ContextBuilder.newBuilder("transient-nio2")
                        .credentials("identity", "credential").overrides(new Properties())
                        .build(BlobStoreContext.class);
                S3Proxy started = S3Proxy.builder().blobStore(context.getBlobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
                started.start();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!"STARTED".equals(started.getState())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("S3Proxy did not start within 30 s: " + started.getState());
                    }
                    Thread.sleep(10);
                }
                proxy = started;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy: " + e, e);
            }
        }
        return "http://127.0.0.1:" + proxy.getPort();
    }
}
