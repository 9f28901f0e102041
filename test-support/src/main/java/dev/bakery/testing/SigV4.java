package dev.bakery.testing;

import com.sun.net.httpserver.HttpExchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 as AWS checks it, for the loopback fakes: they sign each request again, with the SDK's own
 * signer, the key they know and the request's date, and refuse a mismatch, so a wrong signing name,
 * region, key or a changed request fails.
 */
public final class SigV4 {

    /** {@code AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...}. */
    public static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private SigV4() {
    }

    /**
     * The signature AWS would compute for this request: the signer's, over the signed headers only,
     * as of {@code amzDate}.
     *
     * @throws IllegalArgumentException naming a signed header the request lacks
     */
    public static String expectedSignature(HttpExchange exchange, List<String> signedHeaders, byte[] body, String amzDate,
            String region, String service, String accessKey, String secretKey) {
        URI requested = exchange.getRequestURI();
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(exchange.getRequestMethod()))
                .uri(URI.create("http://" + exchange.getRequestHeaders().getFirst("Host") + requested.getRawPath()
                        + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery())));
        for (String name : signedHeaders) {
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values == null) {
                throw new IllegalArgumentException("signed header " + name + " is missing");
            }
            if (!name.equals("host")) { // the signer takes it from the URI
                request.putHeader(name, values);
            }
        }
        Clock signedAt = Clock.fixed(LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        String authorization = AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, signedAt))
                .request().firstMatchingHeader("Authorization").orElseThrow();
        Matcher signed = AUTHORIZATION.matcher(authorization);
        if (!signed.matches()) {
            throw new IllegalStateException("the SDK's signer wrote an Authorization header of another form: " + authorization);
        }
        return signed.group(6);
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
}
