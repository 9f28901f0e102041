package dev.bakery.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's SigV4 {@code Authorization} header the way an AWS service does, for one key
 * pair, service and region: the key id is ours, the credential scope names our region and service,
 * {@code X-Amz-Date} is within 15 minutes, {@code host}, {@code x-amz-date} and every header
 * {@code required} are signed, and the signature matches. The signature is recomputed by the SDK's
 * own signer over the signed headers as received, at the request's date, and compared in constant
 * time. Refusals carry AWS's error codes and never the expected signature. The local mode's own
 * endpoints check callers with it; the tests' loopback AWS servers use {@link #signature} too.
 */
public final class SigV4Verifier {

    /** What AWS answers instead of the operation: its error code and message. */
    public record Refusal(String code, String message) {
    }

    /** {@code AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...}. */
    public static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)"
            + "/([^/,\\s]+)/aws4_request,\\s*SignedHeaders=([a-z0-9;_.-]+),\\s*Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final AwsCredentials credentials;
    private final String region;
    private final String service;
    private final List<String> required;
    private final Clock clock;

    /**
     * @param required lower-case names of headers that must be signed besides {@code host} and
     *                 {@code x-amz-date} (e.g. {@code x-amz-target}, which chooses the operation)
     */
    public SigV4Verifier(AwsCredentials credentials, String region, String service, List<String> required, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.service = service;
        this.required = List.copyOf(required);
        this.clock = clock;
    }

    /**
     * @param uri     the request's path and query (the authority comes from its {@code Host} header)
     * @param headers every header as received, any case
     * @return empty when the request is signed with our key, else why not
     */
    public Optional<Refusal> verify(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        String authorization = first(byName, "authorization");
        if (authorization == null) {
            return refuse("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.strip());
        if (!m.matches()) {
            return refuse("IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and "
                    + "Signature, signed with AWS4-HMAC-SHA256.");
        }
        if (!constantTimeEquals(m.group(1), credentials.accessKeyId())) {
            return refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!m.group(3).equals(region) || !m.group(4).equals(service)) {
            return refuse("InvalidSignatureException", "Credential should be scoped to region '" + region
                    + "' and service '" + service + "'.");
        }
        List<String> signed = Arrays.asList(m.group(5).split(";"));
        for (String name : concat(List.of("host", "x-amz-date"), required)) {
            if (!signed.contains(name) || first(byName, name) == null) {
                return refuse("IncompleteSignatureException", "Header " + name + " must be present and signed.");
            }
        }
        Instant date;
        try {
            date = LocalDateTime.parse(first(byName, "x-amz-date"), AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return refuse("IncompleteSignatureException", "X-Amz-Date must be in the ISO8601 basic format yyyyMMddTHHmmssZ.");
        }
        if (!first(byName, "x-amz-date").startsWith(m.group(2))) {
            return refuse("InvalidSignatureException", "Date in Credential scope does not match X-Amz-Date.");
        }
        if (Duration.between(date, clock.instant()).abs().compareTo(MAX_SKEW) > 0) {
            return refuse("InvalidSignatureException", "Signature expired: " + first(byName, "x-amz-date")
                    + " is more than 15 minutes from the server's time.");
        }
        String expected = expectedSignature(method, uri, byName, signed, body, date);
        if (expected == null || !constantTimeEquals(expected, m.group(6))) {
            return refuse("InvalidSignatureException", "The request signature we calculated does not match the signature "
                    + "you provided. Check your AWS Secret Access Key and signing method.");
        }
        return Optional.empty();
    }

    private String expectedSignature(String method, URI uri, Map<String, List<String>> headers, List<String> signed,
            byte[] body, Instant date) {
        return signature(method, uri, headers, signed, body, date, credentials, region, service);
    }

    /**
     * The SDK signer's signature of a request for the signed headers as received, at {@code date}; null
     * when the request cannot be rebuilt (a bad host or method) or the signer would sign another header set.
     *
     * @param headers every header as received, looked up without regard to case
     */
    public static String signature(String method, URI uri, Map<String, List<String>> headers, List<String> signed,
            byte[] body, Instant date, AwsCredentialsIdentity credentials, String region, String service) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        SdkHttpRequest.Builder request;
        try {
            request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(URI.create("http://"
                    + first(byName, "host") + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (IllegalArgumentException badHostOrMethod) {
            return null;
        }
        for (String name : signed) {
            List<String> values = byName.get(name);
            if (values == null) {
                return null;
            }
            request.putHeader(name, values);
        }
        Clock at = Clock.fixed(date, ZoneOffset.UTC);
        SignedRequest resigned = SIGNER.sign(r -> r.identity(credentials).request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, at));
        Matcher ours = AUTHORIZATION.matcher(resigned.request().firstMatchingHeader("Authorization").orElse(""));
        if (!ours.matches() || !Arrays.asList(ours.group(5).split(";")).equals(signed)) {
            return null;
        }
        return ours.group(6);
    }

    /** Constant-time comparison, as a verifier should. */
    public static boolean matches(String expected, String given) {
        return expected != null && given != null && constantTimeEquals(expected, given);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Refusal> refuse(String code, String message) {
        return Optional.of(new Refusal(code, message));
    }
}
