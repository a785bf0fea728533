package org.tesseras.api.model;

import java.util.HexFormat;

/** Strict lowercase hexadecimal text for the fixed-size identifiers of the model. */
final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {
    }

    static String format(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /** Parses exactly {@code byteCount * 2} lowercase hex digits, naming {@code what} in the error. */
    static byte[] parse(String text, int byteCount, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (text.length() != byteCount * 2) {
            throw new IllegalArgumentException(what + " must be " + byteCount * 2
                    + " lowercase hex characters, got " + text.length() + ": '" + abbreviate(text) + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean lower = c >= 'a' && c <= 'f';
            if (!digit && !lower) {
                throw new IllegalArgumentException(what + " must be lowercase hex, bad character '" + c
                        + "' at " + i + " in '" + abbreviate(text) + "'");
            }
        }
        return LOWER.parseHex(text);
    }

    static byte[] checkLength(byte[] bytes, int byteCount, String what) {
        if (bytes == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (bytes.length != byteCount) {
            throw new IllegalArgumentException(what + " must be " + byteCount + " bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
