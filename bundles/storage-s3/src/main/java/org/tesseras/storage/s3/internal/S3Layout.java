package org.tesseras.storage.s3.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;

/**
 * The keys of the S3 backend under its prefix, the same layout as on disk: {@code fragments/{hash}/{index:03}.shard}
 * beside {@code fragments/{hash}/tessera.manifest}, {@code blobs/{hash}}, and the manifest sealed with its BLAKE3
 * so a damaged object is told apart from a manifest that does not verify.
 */
final class S3Layout {
    static final String FRAGMENTS = "fragments/";
    static final String BLOBS = "blobs/";
    static final String TEMPORARY = "tmp/";
    static final String MANIFEST = "tessera.manifest";
    static final String RANK = "storage-s3.rank";
    /** User metadata: the fragment's BLAKE3 (hex). */
    static final String CHECKSUM_METADATA = "blake3";
    /** User metadata: the peer the fragment came from (hex NodeId). */
    static final String ORIGIN_METADATA = "origin-peer";
    private static final Pattern SHARD = Pattern.compile("fragments/([0-9a-f]{64})/(\\d{3})\\.shard");
    private static final Pattern MANIFEST_KEY = Pattern.compile("fragments/([0-9a-f]{64})/tessera\\.manifest");

    private S3Layout() {
    }

    static String shard(ContentHash tesseraHash, int index) {
        checkIndex(tesseraHash, index);
        return FRAGMENTS + tesseraHash.hex() + "/" + String.format(Locale.ROOT, "%03d.shard", index);
    }

    static String manifest(ContentHash tesseraHash) {
        return FRAGMENTS + Objects.requireNonNull(tesseraHash, "tessera hash").hex() + "/" + MANIFEST;
    }

    static String blob(ContentHash tesseraHash) {
        return BLOBS + Objects.requireNonNull(tesseraHash, "tessera hash").hex();
    }

    static void checkIndex(ContentHash tesseraHash, int index) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        if (index < 0 || index >= FragmentPlan.MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException("fragment index of " + tesseraHash + " must be 0.."
                    + (FragmentPlan.MAX_TOTAL_SHARDS - 1) + ", got " + index);
        }
    }

    /** A shard key (relative) as {@code [hash, index]}, or null when it is not one. */
    static Object[] parseShard(String relativeKey) {
        Matcher shard = SHARD.matcher(relativeKey);
        if (!shard.matches()) {
            return null;
        }
        int index = Integer.parseInt(shard.group(2));
        return index < FragmentPlan.MAX_TOTAL_SHARDS ? new Object[] {ContentHash.of(shard.group(1)), index} : null;
    }

    /** The tessera a manifest key (relative) belongs to, or null. */
    static ContentHash parseManifest(String relativeKey) {
        Matcher manifest = MANIFEST_KEY.matcher(relativeKey);
        return manifest.matches() ? ContentHash.of(manifest.group(1)) : null;
    }

    /** The manifest's encoded bytes followed by their BLAKE3. */
    static byte[] seal(TesseraManifest manifest, Hasher hasher) {
        byte[] encoded = manifest.encode();
        byte[] sealed = Arrays.copyOf(encoded, encoded.length + ContentHash.LENGTH);
        System.arraycopy(hasher.hash(encoded).bytes(), 0, sealed, encoded.length, ContentHash.LENGTH);
        return sealed;
    }

    /** The manifest in a sealed object of {@code tesseraHash}; a damaged one throws, naming why. */
    static TesseraManifest unseal(byte[] sealed, ContentHash tesseraHash, Hasher hasher) {
        if (sealed.length <= ContentHash.LENGTH) {
            throw new IllegalArgumentException("the manifest object of " + tesseraHash + " has only " + sealed.length
                    + " bytes");
        }
        byte[] encoded = Arrays.copyOf(sealed, sealed.length - ContentHash.LENGTH);
        if (!Arrays.equals(hasher.hash(encoded).bytes(), Arrays.copyOfRange(sealed, encoded.length, sealed.length))) {
            throw new IllegalArgumentException("the manifest object of " + tesseraHash
                    + " no longer matches its checksum");
        }
        TesseraManifest manifest = TesseraManifest.decode(encoded);
        if (!manifest.tesseraHash().equals(tesseraHash)) {
            throw new IllegalArgumentException("the manifest object of " + tesseraHash + " describes "
                    + manifest.tesseraHash());
        }
        return manifest;
    }
}
