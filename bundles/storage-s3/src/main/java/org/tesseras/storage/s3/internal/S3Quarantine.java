package org.tesseras.storage.s3.internal;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tesseras.api.model.QuarantinedFile;

import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Where the S3 stores put objects they will not use but must not delete: {@code {prefix}quarantine/}. Each
 * object is copied to {@code quarantine/{epochMillis}-{kind}-{what}} with its reason in the copy's metadata,
 * and only then removed from its place; the node never reads or removes anything in here again.
 */
final class S3Quarantine {
    static final String DIRECTORY = "quarantine/";
    private static final String REASON = "reason";
    private static final Logger LOG = LoggerFactory.getLogger(S3Quarantine.class);

    private final S3Objects objects;
    private final String kind;

    S3Quarantine(S3Objects objects, String kind) {
        this.objects = objects;
        this.kind = kind;
    }

    /** Moves the object at {@code key} aside as {@code what}; returns the key it was kept under. */
    String move(String key, String what, String reason) throws IOException {
        String target = copy(key, what, reason);
        objects.delete(key);
        LOG.warn("Quarantined S3 object {} as {}: {}. It is kept, not deleted; the node no longer uses it.", key,
                target, reason);
        return target;
    }

    /**
     * Keeps a copy of object {@code key} in quarantine and leaves the object where it is, for a checked copy to
     * overwrite it with no moment without an object under its name; returns the quarantined key.
     */
    String keep(String key, String what, String reason) throws IOException {
        String target = copy(key, what, reason);
        LOG.warn("Quarantined S3 object {} as {}: {}. It is kept, not deleted; the node no longer uses it.", key,
                target, reason);
        return target;
    }

    private String copy(String key, String what, String reason) throws IOException {
        String name = System.currentTimeMillis() + "-" + kind + "-" + what.replaceAll("[^A-Za-z0-9._-]", "_");
        String target = objects.key(DIRECTORY + name);
        for (int n = 1; objects.head(target).isPresent(); n++) {
            target = objects.key(DIRECTORY + name + "." + n);
        }
        objects.copy(key, target, Map.of(REASON, URLEncoder.encode(reason, StandardCharsets.UTF_8)));
        return target;
    }

    /** The objects of this kind in quarantine, oldest first. */
    List<QuarantinedFile> list() {
        List<QuarantinedFile> kept = new ArrayList<>();
        String marker = "-" + kind + "-";
        try {
            for (S3Object object : objects.list(DIRECTORY)) {
                String name = objects.relative(object.key()).substring(DIRECTORY.length());
                int dash = name.indexOf('-');
                if (dash < 1 || !name.startsWith(marker, dash)) {
                    continue;
                }
                Instant at;
                try {
                    at = Instant.ofEpochMilli(Long.parseLong(name.substring(0, dash)));
                } catch (NumberFormatException e) {
                    continue;
                }
                Optional<HeadObjectResponse> head = objects.head(object.key());
                String reason = head.map(h -> h.metadata().get(REASON)).map(r -> URLDecoder.decode(r,
                        StandardCharsets.UTF_8)).orElse("");
                kept.add(new QuarantinedFile(name, object.size(), at, reason));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the quarantine in bucket " + objects.bucket() + ": "
                    + e.getMessage(), e);
        }
        kept.sort(Comparator.comparing(QuarantinedFile::quarantinedAt).thenComparing(QuarantinedFile::name));
        return kept;
    }
}
