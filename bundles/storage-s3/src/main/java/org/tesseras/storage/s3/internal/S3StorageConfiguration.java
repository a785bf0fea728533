package org.tesseras.storage.s3.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the S3 backend (PID {@code org.tesseras.storage.s3}); the backend starts only once it exists. */
@ObjectClassDefinition(name = "Tesseras S3 storage",
        description = "Fragments and the owner's whole tesseras in a bucket of S3-compatible object storage"
                + " (AWS S3, Backblaze B2, MinIO, Garage).")
public @interface S3StorageConfiguration {

    /** The backend's PID. */
    String PID = "org.tesseras.storage.s3";

    @AttributeDefinition(name = "Endpoint",
            description = "http(s)://host:port of the S3 service; empty means AWS S3 in the region.")
    String endpoint() default "";

    @AttributeDefinition(name = "Region", description = "The region to sign requests for (us-east-1 for most"
            + " S3-compatible servers; Garage: garage).")
    String region() default "us-east-1";

    @AttributeDefinition(name = "Bucket", description = "The bucket; it must exist unless createBucket is set.")
    String bucket() default "";

    @AttributeDefinition(name = "Key prefix",
            description = "Prefix of every key the node writes, so several nodes can share a bucket; ends with /.")
    String prefix() default "tesseras/";

    @AttributeDefinition(name = "Access key id", description = "The access key id of the node's credentials.")
    String accessKey() default "";

    @AttributeDefinition(name = "Secret access key", type = AttributeType.PASSWORD,
            description = "The secret of the node's credentials; never logged.")
    String secretKey() default "";

    @AttributeDefinition(name = "Path-style access",
            description = "Address the bucket as endpoint/bucket (MinIO, Garage, S3Proxy) instead of bucket.endpoint.")
    boolean pathStyleAccess() default true;

    @AttributeDefinition(name = "Create the bucket",
            description = "Create the bucket at start when it does not exist.")
    boolean createBucket() default false;

    @AttributeDefinition(name = "Part size (bytes)", description = "Objects larger than this are uploaded in parts"
            + " of this size (S3 multipart upload); at least 5 MiB. Each upload in progress buffers one part.")
    long partSizeBytes() default 8L * 1024 * 1024;

    @AttributeDefinition(name = "Capacity (bytes)", description = "How much the node may keep in the bucket;"
            + " free space is this minus what is held. 0 means no limit.")
    long capacityBytes() default 0L;

    @AttributeDefinition(name = "Request timeout (ms)", description = "Socket and connect timeout of each request.")
    int requestTimeoutMillis() default 30_000;
}
