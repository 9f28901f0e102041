package dev.bakery.testing;

import com.sun.net.httpserver.HttpExchange;
import dev.bakery.aws.SigV4Verifier;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 as AWS checks it, for the loopback fakes: they sign each request again, with the SDK's own
 * signer ({@link SigV4Verifier#signature}, the local mode's), the key they know and the request's
 * date, and refuse a mismatch, so a wrong signing name, region, key or a changed request fails.
 */
public final class SigV4 {

    public static final Pattern AUTHORIZATION = SigV4Verifier.AUTHORIZATION;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private SigV4() {
    }

    /**
     * The signature AWS would compute for this request, over the signed headers only, as of {@code amzDate}.
     *
     * @throws IllegalArgumentException when the request cannot be signed again (a signed header missing)
     */
    public static String expectedSignature(HttpExchange exchange, List<String> signedHeaders, byte[] body, String amzDate,
            String region, String service, String accessKey, String secretKey) {
        String signature = SigV4Verifier.signature(exchange.getRequestMethod(), exchange.getRequestURI(),
                exchange.getRequestHeaders(), signedHeaders, body, LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC),
                AwsCredentialsIdentity.create(accessKey, secretKey), region, service);
        if (signature == null) {
            throw new IllegalArgumentException("the request cannot be signed again over " + signedHeaders);
        }
        return signature;
    }

    /**
     * The headers the SDK's signer adds to this request ({@code X-Amz-Date}, {@code Authorization}, ...;
     * not {@code Host}, which every HTTP client sends from the URI), as a client of the API signs it.
     * A {@code ws://} URI is signed as the {@code http://} request that upgrades it.
     */
    public static Map<String, String> sign(String method, URI uri, byte[] body, AwsCredentialsIdentity credentials,
            String region, String service) {
        URI http = URI.create(uri.toString().replaceFirst("^ws", "http"));
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials)
                .request(SdkHttpRequest.builder().uri(http).method(SdkHttpMethod.fromValue(method)).build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                headers.put(name, String.join(",", values));
            }
        });
        return headers;
    }

    public static boolean matches(String expected, String given) {
        return SigV4Verifier.matches(expected, given);
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
