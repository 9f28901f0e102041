package dev.bakery.k8s.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Kubernetes names and label values made from Bakery's ids, within Kubernetes' limits. */
public final class Names {

    private static final int MAX_LABEL = 63;
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final int HASH_CHARS = 10;

    private Names() {
    }

    /**
     * {@code bakery-<taskId>-<hash of the token>}: one Job per activity task (a retried Task state gets
     * a new token, so a new Job), a DNS label of at most 50 characters (task ids have at most 32).
     */
    public static String jobName(String taskId, String token) {
        return "bakery-" + taskId + "-" + hash(token);
    }

    /**
     * The value itself when it is a valid label value, else a readable prefix and a hash of the whole
     * (build ids may have 80 characters; label values at most 63).
     */
    public static String labelValue(String value) {
        if (value.length() <= MAX_LABEL && LABEL_VALUE.matcher(value).matches()) {
            return value;
        }
        String prefix = value.replaceAll("[^-A-Za-z0-9_.]", "-");
        prefix = prefix.substring(0, Math.min(prefix.length(), MAX_LABEL - HASH_CHARS - 1)).replaceAll("^[^A-Za-z0-9]+", "");
        return (prefix.isEmpty() ? "" : prefix + "-") + hash(value);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
