package dev.bakery.agent.context;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Decoding and splitting of entry names and link targets. */
final class ArchiveNames {
    static final int MAX_NAME_BYTES = 4096;
    static final int MAX_COMPONENT_BYTES = 255;

    private ArchiveNames() {}

    /** The name as UTF-8, or null if the bytes are not valid UTF-8 (no replacement characters). */
    static String decodeStrictly(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A name that is not UTF-8, printable: ASCII as is, every other byte as {@code \xNN}. */
    static String escapeBytes(byte[] raw) {
        StringBuilder out = new StringBuilder();
        for (byte b : raw) {
            if (b >= 0x20 && b < 0x7f) {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Path components with empty and {@code .} components dropped; {@code ..} is kept for the caller to judge. */
    static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }
}
