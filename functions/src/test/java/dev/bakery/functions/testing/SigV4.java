package dev.bakery.functions.testing;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SigV4 as AWS checks it, for the loopback fakes: they recompute the signature of each request
 * the way the service would and refuse a mismatch, so a wrong signing name, region or key fails.
 */
public final class SigV4 {

    /** {@code AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...}. */
    public static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");

    private SigV4() {
    }

    /**
     * The signature AWS would compute for this POST.
     *
     * @param canonicalUri the URI-encoded path ({@code /} for JSON-RPC services)
     * @throws IllegalArgumentException naming a signed header the request lacks
     */
    public static String expectedSignature(HttpExchange exchange, String canonicalUri, List<String> signedHeaders,
            byte[] body, String amzDate, String date, String region, String service, String secretKey) {
        StringBuilder canonical = new StringBuilder("POST\n").append(canonicalUri).append("\n\n");
        for (String name : signedHeaders) {
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values == null) {
                throw new IllegalArgumentException("signed header " + name + " is missing");
            }
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.strip().replaceAll(" +", " ")));
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n').append(hex(sha256(body)));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, toSign));
    }

    /** Constant-time comparison, as a verifier should. */
    public static boolean matches(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
