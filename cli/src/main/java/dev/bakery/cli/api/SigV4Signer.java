package dev.bakery.cli.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * SigV4 headers from the SDK's signer for one service and region ({@code execute-api} for the REST
 * and WebSocket APIs, which no SDK client invokes). Host is signed from the URI, the
 * way every HTTP client sends it; the headers returned are everything else the signer added.
 */
public final class SigV4Signer implements RequestSigner {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final String service;

    public SigV4Signer(IdentityProvider<? extends AwsCredentialsIdentity> credentials, String region, String service) {
        this.credentials = credentials;
        this.region = region;
        this.service = service;
    }

    public String region() {
        return region;
    }

    @Override
    public Map<String, String> headers(String method, URI uri, byte[] body) {
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SdkHttpRequest request = SdkHttpRequest.builder().uri(signingUri(uri)).method(SdkHttpMethod.fromValue(method)).build();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Host")) {
                headers.put(header.getKey(), String.join(",", header.getValue()));
            }
        }
        return headers;
    }

    /** WebSocket URLs are signed as the HTTPS request that upgrades them. */
    private static URI signingUri(URI uri) {
        String scheme = switch (uri.getScheme()) {
            case "wss" -> "https";
            case "ws" -> "http";
            default -> uri.getScheme();
        };
        return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
    }
}
