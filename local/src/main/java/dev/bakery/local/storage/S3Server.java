package dev.bakery.local.storage;

import dev.bakery.local.LocalAws;
import dev.bakery.local.LocalKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * S3Proxy with its filesystem store under a directory, on a free 127.0.0.1 port, checking SigV4
 * signatures made with the run's {@link LocalKeys} (presigned URLs included). The context bucket is
 * created when missing. Path-style URLs: the endpoint is an IP address.
 */
public final class S3Server implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final S3Proxy proxy;
    private final S3Client client;
    private final S3Presigner presigner;

    private S3Server(Path directory, LocalKeys keys) throws Exception {
        Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, keys.accessKeyId(), keys.secretAccessKey())
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        client = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(LocalAws.REGION)
                .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(keys.provider()).build();
        presigner = S3Presigner.builder().endpointOverride(endpoint()).region(LocalAws.REGION)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(keys.provider()).build();
        if (client.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(LocalAws.CONTEXT_BUCKET))) {
            client.createBucket(r -> r.bucket(LocalAws.CONTEXT_BUCKET));
        }
    }

    /** Starts it with its objects under {@code directory} (created if need be). */
    public static S3Server start(Path directory, LocalKeys keys) {
        try {
            return new S3Server(directory, keys);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy in " + directory + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public S3Client client() {
        return client;
    }

    public S3Presigner presigner() {
        return presigner;
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy", e);
        }
    }
}
