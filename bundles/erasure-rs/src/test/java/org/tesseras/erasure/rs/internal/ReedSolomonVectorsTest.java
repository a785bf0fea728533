package org.tesseras.erasure.rs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Byte-for-byte compatibility with Backblaze JavaReedSolomon, from the shared reed-solomon-vectors.json. */
class ReedSolomonVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static JsonNode vectors;

    @BeforeAll
    static void load() throws IOException {
        vectors = new ObjectMapper().readTree(TestData.folder().resolve("reed-solomon-vectors.json").toFile());
    }

    /** Data shards as the vectors' description defines them: byte i of the stripe is (i*31 + 7 + i/251) mod 256. */
    static byte[][] formulaShards(int dataShards, int parityShards, int length) {
        byte[][] shards = new byte[dataShards + parityShards][length];
        for (int s = 0; s < dataShards; s++) {
            for (int j = 0; j < length; j++) {
                long i = (long) s * length + j;
                shards[s][j] = (byte) ((i * 31 + 7 + i / 251) % 256);
            }
        }
        return shards;
    }

    @Test
    void encodingMatrixIsBackblazes() {
        for (JsonNode geometry : vectors.get("geometries")) {
            int k = geometry.get("data_shards").asInt();
            int m = geometry.get("parity_shards").asInt();
            GfMatrix encoding = GfMatrix.systematicEncoding(k, m);
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    assertEquals(r == c ? 1 : 0, encoding.get(r, c), "identity top of " + k + "+" + m);
                }
            }
            for (int p = 0; p < m; p++) {
                byte[] expected = HEX.parseHex(geometry.get("parity_matrix").get(p).asText());
                int[] row = encoding.row(k + p);
                byte[] actual = new byte[k];
                for (int c = 0; c < k; c++) {
                    actual[c] = (byte) row[c];
                }
                assertArrayEquals(expected, actual, "parity row " + p + " of " + k + "+" + m);
            }
        }
    }

    @Test
    void parityIsIdenticalToTheVectors() {
        for (ReedSolomonCodec codec : codecs()) {
            int cases = 0;
            for (JsonNode geometry : vectors.get("geometries")) {
                int k = geometry.get("data_shards").asInt();
                int m = geometry.get("parity_shards").asInt();
                for (JsonNode testCase : geometry.get("cases")) {
                    int length = testCase.get("shard_length").asInt();
                    byte[][] shards = formulaShards(k, m, length);
                    if (!testCase.get("omitted_data").asBoolean()) {
                        for (int s = 0; s < k; s++) {
                            assertArrayEquals(HEX.parseHex(testCase.get("data_shards").get(s).asText()), shards[s],
                                    "the data formula disagrees with the vectors for " + k + "+" + m + " L=" + length);
                        }
                    }
                    codec.encodeParity(k, m, shards, 0, length);
                    for (int p = 0; p < m; p++) {
                        assertArrayEquals(HEX.parseHex(testCase.get("parity_shards").get(p).asText()), shards[k + p],
                                "parity shard " + (k + p) + " of " + k + "+" + m + " L=" + length);
                    }
                    assertTrue(codec.isParityCorrect(k, m, shards, 0, length));
                    cases++;
                }
            }
            assertEquals(15, cases, "cases in the vector file");
        }
    }

    @Test
    void decodeReconstructsTheVectors() {
        for (ReedSolomonCodec codec : codecs()) {
            for (JsonNode decodeCase : vectors.get("decode_cases")) {
                int k = decodeCase.get("data_shards").asInt();
                int m = decodeCase.get("parity_shards").asInt();
                int length = decodeCase.get("shard_length").asInt();
                byte[][] shards = formulaShards(k, m, length);
                codec.encodeParity(k, m, shards, 0, length);
                boolean[] present = new boolean[k + m];
                java.util.Arrays.fill(present, true);
                JsonNode erased = decodeCase.get("erased");
                for (JsonNode index : erased) {
                    present[index.asInt()] = false;
                    java.util.Arrays.fill(shards[index.asInt()], (byte) 0x5A);
                }
                codec.decodeMissing(k, m, shards, present, 0, length);
                for (int e = 0; e < erased.size(); e++) {
                    int index = erased.get(e).asInt();
                    assertArrayEquals(HEX.parseHex(decodeCase.get("reconstructed").get(e).asText()), shards[index],
                            "shard " + index + " of " + k + "+" + m);
                }
            }
        }
    }

    private static List<ReedSolomonCodec> codecs() {
        List<ReedSolomonCodec> codecs = new ArrayList<>();
        codecs.add(new ReedSolomonCodec(null, 1, ReedSolomonErasureCoder.CACHE_SLICE_BYTES));
        codecs.add(new ReedSolomonCodec(null, 1, 8));
        return codecs;
    }
}
