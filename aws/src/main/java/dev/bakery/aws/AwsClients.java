package dev.bakery.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * What every SDK client of one process shares: one credentials chain, one HTTP client (each costs
 * init time), and the SDK's retry strategy (in production its standard one: backoff with jitter on
 * throttling, 5xx and I/O errors), one instance per client. Endpoints are the SDK's own choice: {@code AWS_ENDPOINT_URL_<SERVICE>} or
 * {@code AWS_ENDPOINT_URL} when set (local mode, benchmarks), else the public regional one.
 * Each module names the service clients it needs ({@code aws.configure(SfnClient.builder()).build()}),
 * so a process carries only those.
 */
public record AwsClients(Region region, AwsCredentialsProvider credentials, SdkHttpClient http,
        Supplier<RetryStrategy> retries) {

    public AwsClients {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(retries, "retries");
    }

    /** Production wiring: the default credentials chain (a Lambda, task or IRSA role). */
    public static AwsClients create(String region) {
        return new AwsClients(Region.of(region), DefaultCredentialsProvider.builder().build(), httpClient(),
                AwsRetryStrategy::standardRetryStrategy);
    }

    /** The URL-connection client: the smallest, and the fastest to start on Lambda. */
    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30)).build();
    }

    /** {@code builder} with this process's region, credentials, HTTP client and retries. */
    public <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        return builder.region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(c -> c.retryStrategy(retries.get()));
    }

    /** The same with another region (a registry's, a stack's). */
    public AwsClients in(String otherRegion) {
        return new AwsClients(Region.of(otherRegion), credentials, http, retries);
    }
}
