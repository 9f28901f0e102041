package dev.bakery.agent.context;

import java.io.IOException;

/**
 * A build context archive was refused. {@link #getMessage()} is meant for the user as is:
 * {@code refusing entry "<name>": <reason>}, or {@code refusing archive: <reason>} when no single
 * entry is to blame (corrupt gzip, the total size limit hit between entries).
 */
public final class UnsafeArchiveException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Names longer than this are cut in messages; a 4 KiB name would swamp a log line. */
    private static final int DISPLAY_LIMIT = 256;

    private final String entry;

    private UnsafeArchiveException(String entry, String reason, Throwable cause) {
        super(entry == null ? "refusing archive: " + reason : "refusing entry \"" + display(entry) + "\": " + reason, cause);
        this.entry = entry;
    }

    static UnsafeArchiveException entry(String entry, String reason) {
        return new UnsafeArchiveException(entry, reason, null);
    }

    static UnsafeArchiveException entry(String entry, String reason, Throwable cause) {
        return new UnsafeArchiveException(entry, reason, cause);
    }

    static UnsafeArchiveException archive(String reason) {
        return new UnsafeArchiveException(null, reason, null);
    }

    static UnsafeArchiveException archive(String reason, Throwable cause) {
        return new UnsafeArchiveException(null, reason, cause);
    }

    /**
     * The offending entry's name as written in the archive (bytes that are not UTF-8 appear as
     * {@code \xNN}), or {@code null} when the archive as a whole was refused.
     */
    public String entry() {
        return entry;
    }

    /** Quotes a name or link target for a message: control characters escaped, long names cut. */
    static String display(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < name.length() && out.length() < DISPLAY_LIMIT; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < name.length() ? out + "..." : out.toString();
    }
}
