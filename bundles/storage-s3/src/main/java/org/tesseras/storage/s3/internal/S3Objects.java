package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The bucket, as the stores use it: keys under the configured prefix, and every S3 call turned into an
 * {@link IOException} that names the bucket and key (never the credentials). Once {@link #close closed}, every
 * call fails at once, so an operation on a backend that went away fails cleanly instead of hanging.
 */
final class S3Objects implements AutoCloseable {
    private final S3Settings settings;
    private final S3Client client;
    private volatile boolean closed;

    /** Connects to the configured service (the SDK loads its parts through this bundle's class loader). */
    S3Objects(S3Settings settings) throws IOException {
        this.settings = settings;
        this.client = withBundleLoader(() -> {
            S3ClientBuilder builder = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofMillis(settings.requestTimeoutMillis()))
                            .socketTimeout(Duration.ofMillis(settings.requestTimeoutMillis())).build())
                    .region(Region.of(settings.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                    .forcePathStyle(settings.pathStyleAccess())
                    // checksums only where S3 requires them: many S3-compatible servers refuse the newer ones
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (settings.endpoint() != null) {
                builder.endpointOverride(settings.endpoint());
            }
            return builder.build();
        });
        try {
            ensureBucket();
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The full key of {@code relative} (under the prefix). */
    String key(String relative) {
        return settings.prefix() + relative;
    }

    /** The key relative to the prefix. */
    String relative(String key) {
        return key.substring(settings.prefix().length());
    }

    String bucket() {
        return settings.bucket();
    }

    long partSizeBytes() {
        return settings.partSizeBytes();
    }

    private void ensureBucket() throws IOException {
        try {
            client.headBucket(HeadBucketRequest.builder().bucket(bucket()).build());
        } catch (NoSuchBucketException e) {
            createOrRefuse();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("reaching bucket", "", e);
            }
            createOrRefuse();
        } catch (SdkException e) {
            throw failure("reaching bucket", "", e);
        }
    }

    private void createOrRefuse() throws IOException {
        if (!settings.createBucket()) {
            throw new IOException("S3 bucket " + bucket() + " does not exist at " + settings.location()
                    + ": create it, or set createBucket = true in " + S3StorageConfiguration.PID);
        }
        call("creating bucket", "", () -> client.createBucket(CreateBucketRequest.builder().bucket(bucket()).build()));
    }

    /** The whole object, or empty when there is none. */
    Optional<byte[]> getBytes(String key) throws IOException {
        return call("reading", key, () -> {
            try {
                return Optional.of(client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket()).key(key)
                        .build()).asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** The object's bytes from {@code from} on, streamed, or empty when there is none. */
    Optional<ResponseInputStream<GetObjectResponse>> get(String key, long from) throws IOException {
        return call("reading", key, () -> {
            GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket()).key(key);
            if (from > 0) {
                request.range("bytes=" + from + "-");
            }
            try {
                return Optional.of(client.getObject(request.build()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** The object's size, time and metadata, or empty when there is none. */
    Optional<HeadObjectResponse> head(String key) throws IOException {
        return call("looking up", key, () -> {
            try {
                return Optional.of(client.headObject(HeadObjectRequest.builder().bucket(bucket()).key(key).build()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** Writes a whole object in one request. */
    void put(String key, byte[] bytes, int length, Map<String, String> metadata) throws IOException {
        call("writing", key, () -> client.putObject(PutObjectRequest.builder().bucket(bucket()).key(key)
                .metadata(metadata).contentLength((long) length).build(), RequestBody.fromBytes(
                        length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length))));
    }

    /** The objects under {@code relativePrefix}, in key order. */
    List<S3Object> list(String relativePrefix) throws IOException {
        String prefix = key(relativePrefix);
        return call("listing", prefix, () -> {
            List<S3Object> objects = new ArrayList<>();
            client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket()).prefix(prefix).build())
                    .contents().forEach(objects::add);
            return objects;
        });
    }

    /** Copies an object within the bucket, giving the copy {@code metadata}. */
    void copy(String from, String to, Map<String, String> metadata) throws IOException {
        call("copying " + from + " to", to, () -> client.copyObject(CopyObjectRequest.builder().sourceBucket(bucket())
                .sourceKey(from).destinationBucket(bucket()).destinationKey(to).metadata(metadata)
                .metadataDirective(MetadataDirective.REPLACE).build()));
    }

    /** Removes an object (no error when there is none). */
    void delete(String key) throws IOException {
        call("deleting", key, () -> client.deleteObject(DeleteObjectRequest.builder().bucket(bucket()).key(key)
                .build()));
    }

    /** Starts a multipart upload and returns its id. */
    String startUpload(String key, Map<String, String> metadata) throws IOException {
        return call("starting an upload of", key, () -> client.createMultipartUpload(CreateMultipartUploadRequest
                .builder().bucket(bucket()).key(key).metadata(metadata).build()).uploadId());
    }

    /** Uploads part {@code number} (from 1) and returns its ETag. */
    CompletedPart uploadPart(String key, String uploadId, int number, byte[] bytes, int length) throws IOException {
        return call("uploading a part of", key, () -> {
            String etag = client.uploadPart(UploadPartRequest.builder().bucket(bucket()).key(key).uploadId(uploadId)
                    .partNumber(number).contentLength((long) length).build(), RequestBody.fromBytes(
                            length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length))).eTag();
            return CompletedPart.builder().partNumber(number).eTag(etag).build();
        });
    }

    /** Makes an upload's object visible under its key. */
    void completeUpload(String key, String uploadId, List<CompletedPart> parts) throws IOException {
        call("completing the upload of", key, () -> client.completeMultipartUpload(CompleteMultipartUploadRequest
                .builder().bucket(bucket()).key(key).uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()).build()));
    }

    /** Drops an upload and its parts; nothing becomes visible. */
    void abortUpload(String key, String uploadId) throws IOException {
        call("aborting the upload of", key, () -> client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                .bucket(bucket()).key(key).uploadId(uploadId).build()));
    }

    /** Uploads under the prefix that were started before {@code before} and never completed. */
    List<MultipartUpload> unfinishedUploads(Instant before) throws IOException {
        return call("listing unfinished uploads under", key(""), () -> client.listMultipartUploadsPaginator(
                ListMultipartUploadsRequest.builder().bucket(bucket()).prefix(key("")).build()).uploads().stream()
                .filter(upload -> upload.initiated() == null || upload.initiated().isBefore(before)).toList());
    }

    /** Closes the client; every later call fails at once. */
    @Override
    public void close() {
        closed = true;
        client.close();
    }

    /** Runs one S3 call; an SDK failure becomes an IOException naming what was done to which key. */
    <T> T call(String what, String key, Supplier<T> work) throws IOException {
        if (closed) {
            throw new IOException("the S3 storage backend (" + settings.location() + ") is stopped: " + what + " "
                    + key + " failed");
        }
        try {
            return work.get();
        } catch (SdkException e) {
            throw failure(what, key, e);
        } catch (IllegalStateException e) {
            if (closed) {
                throw new IOException("the S3 storage backend (" + settings.location() + ") stopped while " + what
                        + " " + key, e);
            }
            throw e;
        }
    }

    private IOException failure(String what, String key, SdkException e) {
        return new IOException("S3 " + what + " " + (key.isEmpty() ? "" : key + " ") + "in bucket " + bucket()
                + " failed: " + e.getMessage(), e);
    }

    /** The length an S3 response gave for {@code key}; a response without one is a failure, never a guess. */
    static long length(Long contentLength, String key) throws IOException {
        if (contentLength == null) {
            throw new IOException("the S3 server gave no length for object " + key);
        }
        return contentLength;
    }

    /** The object length of a GET just begun; one without a length is aborted and fails. */
    static long length(ResponseInputStream<GetObjectResponse> got, String key) throws IOException {
        try {
            return length(got.response().contentLength(), key);
        } catch (IOException e) {
            got.abort();
            throw e;
        }
    }

    /** Reads bytes from an object stream into {@code buffer}; the stream's failures name the key. */
    static int read(InputStream in, byte[] buffer, int offset, int length) throws IOException {
        try {
            return in.read(buffer, offset, length);
        } catch (SdkException e) {
            throw new IOException("S3 read failed: " + e.getMessage(), e);
        }
    }

    private static <T> T withBundleLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(S3Objects.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
