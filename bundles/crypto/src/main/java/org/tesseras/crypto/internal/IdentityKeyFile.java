package org.tesseras.crypto.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tesseras.api.model.NodeId;
import org.tesseras.api.port.Hasher;

/**
 * The identity key file: the Ed25519 private key, its public key, the proof-of-work nonce and the
 * NodeId, sealed with a BLAKE3 checksum so a truncated or edited file is refused, never replaced.
 * Format 2 names the NodeId of the key ({@code BLAKE3(publicKey)[0..20]}); a file of format 1 (NodeId
 * {@code BLAKE3(publicKey || nonce)[0..20]}) is still read, checked the old way, and reported as {@code legacy}.
 */
final class IdentityKeyFile {
    private static final String FORMAT = "tesseras-identity-2";
    private static final String LEGACY_FORMAT = "tesseras-identity-1";
    private static final List<String> FIELDS = List.of("format", "privateKey", "publicKey", "nonce", "nodeId");
    private static final HexFormat HEX = HexFormat.of();

    /**
     * What a key file holds, checked for consistency; {@code nodeId} is always the key's NodeId of today, and
     * {@code legacy} says the file is of format 1 (its nonce was found for the old NodeId rule).
     */
    record Contents(PrivateKey privateKey, byte[] publicKey, long nonce, NodeId nodeId, boolean legacy) {
    }

    private IdentityKeyFile() {
    }

    /** Writes a new key file readable by the owner only; refuses to overwrite an existing one. */
    static void create(Path file, Hasher hasher, KeyPair keys, long nonce, NodeId nodeId) throws IOException {
        write(file, hasher, keys.getPrivate(), Ed25519.rawPublicKey(keys.getPublic()), nonce, nodeId, false);
    }

    /**
     * Writes the key file for {@code keys} and {@code nonce} in place of the one there, if any: that file is
     * copied to {@code keptAs} first (when not null), then the new one is moved over it atomically, so the old key
     * is never lost. Returns the NodeId written, the key's ({@code BLAKE3(publicKey)[0..20]}).
     */
    static synchronized NodeId replace(Path file, Hasher hasher, KeyPair keys, long nonce, Path keptAs) throws IOException {
        byte[] publicKey = Ed25519.rawPublicKey(keys.getPublic());
        NodeId nodeId = ProofOfWork.nodeIdOf(hasher, publicKey);
        if (keptAs != null && Files.exists(file)) {
            Files.copy(file, keptAs, StandardCopyOption.COPY_ATTRIBUTES);
        }
        write(file, hasher, keys.getPrivate(), publicKey, nonce, nodeId, true);
        return nodeId;
    }

    /**
     * Writes the key file again for the same key with a new nonce (a legacy file, or a nonce below a raised
     * difficulty); the file it replaces is kept as {@code keptAs} first when that is not null (a file of format 1,
     * which records the NodeId the key had before).
     */
    static void rewrite(Path file, Hasher hasher, Contents contents, long nonce, Path keptAs) throws IOException {
        if (keptAs != null) {
            Files.copy(file, keptAs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        write(file, hasher, contents.privateKey(), contents.publicKey(), nonce, contents.nodeId(), true);
    }

    private static void write(Path file, Hasher hasher, PrivateKey privateKey, byte[] publicKey, long nonce,
            NodeId nodeId, boolean replace) throws IOException {
        if (!ProofOfWork.nodeIdOf(hasher, publicKey).equals(nodeId)) {
            throw new IllegalArgumentException("NodeId " + nodeId + " is not the NodeId of the key");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("format", FORMAT);
        fields.put("privateKey", HEX.formatHex(privateKey.getEncoded()));
        fields.put("publicKey", HEX.formatHex(publicKey));
        fields.put("nonce", Long.toString(nonce));
        fields.put("nodeId", nodeId.hex());
        StringBuilder text = new StringBuilder(
                "# Tesseras node identity. Keep it private and back it up: whoever has this file is this node.\n");
        fields.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        text.append("checksum=").append(checksum(hasher, fields)).append('\n');

        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, ".identity", ".tmp");
        try {
            restrictToOwner(temp);
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            if (!replace && Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString(), null, "refusing to replace an existing identity");
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                if (replace) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.move(temp, file);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Reads and checks a key file; any damage throws {@link IOException} naming the file and the fault. */
    static Contents read(Path file, Hasher hasher) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        String checksum = null;
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw damaged(file, "line without '=': " + abbreviate(line));
            }
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (name.equals("checksum")) {
                checksum = value;
            } else if (fields.put(name, value) != null) {
                throw damaged(file, "field '" + name + "' appears twice");
            }
        }
        if (!fields.keySet().equals(new java.util.LinkedHashSet<>(FIELDS))) {
            throw damaged(file, "expected fields " + FIELDS + " and a checksum, found " + fields.keySet());
        }
        if (checksum == null) {
            throw damaged(file, "the checksum line is missing (truncated?)");
        }
        if (!checksum.equals(checksum(hasher, fields))) {
            throw damaged(file, "the checksum does not match the contents (edited or truncated)");
        }
        boolean legacy = LEGACY_FORMAT.equals(fields.get("format"));
        if (!legacy && !FORMAT.equals(fields.get("format"))) {
            throw damaged(file, "unknown format '" + fields.get("format") + "'");
        }
        try {
            PrivateKey privateKey = Ed25519.privateKey(HEX.parseHex(fields.get("privateKey")));
            byte[] publicKey = HEX.parseHex(fields.get("publicKey"));
            long nonce = Long.parseLong(fields.get("nonce"));
            NodeId nodeId = NodeId.of(fields.get("nodeId"));
            byte[] probe = "tesseras identity self-check".getBytes(StandardCharsets.US_ASCII);
            if (!Ed25519.verify(publicKey, probe, Ed25519.sign(privateKey, probe))) {
                throw damaged(file, "the private and public keys do not belong together");
            }
            NodeId expected = legacy
                    ? ProofOfWork.legacyNodeId(hasher, publicKey, nonce)
                    : ProofOfWork.nodeIdOf(hasher, publicKey);
            if (!expected.equals(nodeId)) {
                throw damaged(file, "the NodeId is not the one of the public key" + (legacy ? " and nonce" : ""));
            }
            return new Contents(privateKey, publicKey, nonce, ProofOfWork.nodeIdOf(hasher, publicKey), legacy);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw damaged(file, "unreadable key material: " + e.getMessage());
        }
    }

    private static String checksum(Hasher hasher, Map<String, String> fields) {
        StringBuilder canonical = new StringBuilder();
        fields.forEach((name, value) -> canonical.append(name).append('=').append(value).append('\n'));
        return hasher.hash(canonical.toString().getBytes(StandardCharsets.US_ASCII)).hex();
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(file, ownerOnly);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own protection applies
        }
    }

    /** Whether the file is readable by its owner only (always true off POSIX). */
    static boolean isOwnerOnly(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.equals(PosixFilePermissions.fromString("rw-------"))
                    || permissions.equals(PosixFilePermissions.fromString("r--------"));
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    private static IOException damaged(Path file, String fault) {
        return new IOException("identity key file " + file + " is damaged: " + fault
                + ". The node will not start with it and will not replace it: restore it from a backup, or move it"
                + " away to start as a new node.");
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 37) + "...";
    }

}
