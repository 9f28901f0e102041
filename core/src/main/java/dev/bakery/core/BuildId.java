package dev.bakery.core;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Build ids: {@code b-<UTC time>-<random>[-<service>]}. Sortable by time, URL-safe, and valid as a
 * Step Functions execution name (only {@code [A-Za-z0-9_-]}, at most 80 characters), which they are.
 * Every process that takes a build id from outside (the REST and WebSocket APIs, the local log
 * store) checks it here, so an id never reaches a store key or a file name unchecked.
 */
public final class BuildId {

    public static final int MAX_LENGTH = 80;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private BuildId() {
    }

    public static String next(Instant now, String service) {
        StringBuilder id = new StringBuilder("b-").append(TIME.format(now)).append('-');
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        String suffix = sanitize(service);
        if (!suffix.isEmpty()) {
            id.append('-'); // before measuring what is left for the suffix
            id.append(suffix, 0, Math.min(suffix.length(), MAX_LENGTH - id.length()));
        }
        return id.toString();
    }

    /** Compose service names may hold dots; execution names may not. */
    static String sanitize(String service) {
        return service == null ? "" : service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
    }

    public static boolean isValid(String id) {
        return id != null && id.length() <= MAX_LENGTH && id.matches("b-[A-Za-z0-9_-]+");
    }
}
