package org.tesseras.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.port.Hasher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link Blake3Hasher} against the official vectors and known answers, the scalar code alone and with vector lanes. */
class Blake3HasherTest {
    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void matchesTheOfficialVectors(Blake3Variant variant) throws IOException {
        Hasher hasher = variant.hasher();
        Optional<Path> dir = TestData.directory();
        assumeTrue(dir.isPresent(), "skipped: ../shared/testdata (BLAKE3 vectors) does not exist on this machine");
        JsonNode cases = new ObjectMapper().readTree(dir.get().resolve("blake3-vectors.json").toFile()).get("cases");
        int checked = 0;
        for (JsonNode c : cases) {
            byte[] input = pattern(c.get("input_len").asInt());
            String expected = c.get("hash").asText();
            assertEquals(expected, hasher.hash(input).hex(), "one-shot, length " + input.length);
            assertEquals(expected, hasher.hash(ByteBuffer.wrap(input)).hex(), "heap buffer, length " + input.length);
            ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
            assertEquals(expected, hasher.hash(direct).hex(), "direct buffer, length " + input.length);
            assertEquals(expected, hasher.hash(new ByteArrayInputStream(input)).hex(), "stream, length " + input.length);
            checked++;
        }
        assertEquals(9, checked);
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void knownAnswers(Blake3Variant variant) {
        Hasher hasher = variant.hasher();
        assertEquals("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f",
                hasher.hash("hello".getBytes(StandardCharsets.US_ASCII)).hex());
        // keyed vectors of BLAKE3-team/BLAKE3 test_vectors.json, confirmed with b3sum 1.2.0 --keyed
        byte[] key = "whats the Elvish word for friend".getBytes(StandardCharsets.US_ASCII);
        assertEquals("92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26",
                hasher.keyedHash(key, new byte[0]).hex());
        assertEquals("357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69",
                hasher.keyedHash(key, pattern(1025)).hex());
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void incrementalInAnyPiecesEqualsOneShot(Blake3Variant variant) {
        Hasher hasher = variant.hasher();
        Random random = new Random(42);
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        ContentHash whole = hasher.hash(data);
        for (int trial = 0; trial < 20; trial++) {
            Hasher.IncrementalHash incremental = hasher.newHash();
            int offset = 0;
            while (offset < data.length) {
                int n = Math.min(data.length - offset, random.nextInt(5000));
                if (random.nextBoolean()) {
                    incremental.update(data, offset, n);
                } else {
                    ByteBuffer slice = ByteBuffer.allocateDirect(n).put(data, offset, n).flip();
                    incremental.update(slice);
                }
                offset += n;
            }
            assertEquals(whole, incremental.finish());
        }
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void keyedDiffersFromPlainAndByKey(Blake3Variant variant) {
        Hasher hasher = variant.hasher();
        byte[] data = "fragment bytes".getBytes(StandardCharsets.US_ASCII);
        byte[] key1 = new byte[32];
        byte[] key2 = new byte[32];
        key2[31] = 1;
        assertNotEquals(hasher.hash(data), hasher.keyedHash(key1, data));
        assertNotEquals(hasher.keyedHash(key1, data), hasher.keyedHash(key2, data));
        assertThrows(IllegalArgumentException.class, () -> hasher.newKeyedHash(new byte[16]));
    }

    @ParameterizedTest
    @EnumSource(Blake3Variant.class)
    void aFinishedHashCannotBeFedAgain(Blake3Variant variant) {
        Hasher hasher = variant.hasher();
        Hasher.IncrementalHash hash = hasher.newHash();
        hash.finish();
        assertThrows(IllegalStateException.class, () -> hash.update(new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, hash::finish);
    }

    static byte[] pattern(int length) {
        byte[] input = new byte[length];
        for (int i = 0; i < length; i++) {
            input[i] = (byte) (i % 251);
        }
        return input;
    }
}
