package dev.bakery.emulators;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * S3Proxy on a free 127.0.0.1 port, checking SigV4 (and V2) signatures made with one key pair,
 * presigned URLs included, with a client and a presigner that sign with it. Path-style URLs: the
 * endpoint is an IP address. close() stops it.
 */
public final class S3Emulator implements AutoCloseable {

    /** What the client and presigner sign for; S3Proxy serves any region. */
    public static final Region REGION = Region.US_EAST_1;
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final S3Proxy proxy;
    private final S3Client client;
    private final S3Presigner presigner;

    private S3Emulator(Path directory, AwsCredentials credentials) throws Exception {
        Properties properties = new Properties();
        if (directory != null) {
            Files.createDirectories(directory);
            properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        }
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create(directory == null ? "transient" : "filesystem", properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        StaticCredentialsProvider signer = StaticCredentialsProvider.create(credentials);
        client = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(REGION)
                .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(signer).build();
        presigner = S3Presigner.builder().endpointOverride(endpoint()).region(REGION)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(signer).build();
    }

    /** Objects in memory, gone at close(). */
    public static S3Emulator inMemory(AwsCredentials credentials) {
        return start(null, credentials);
    }

    /** Objects as files under {@code directory} (created if need be), kept after close(). */
    public static S3Emulator onDisk(Path directory, AwsCredentials credentials) {
        return start(directory, credentials);
    }

    private static S3Emulator start(Path directory, AwsCredentials credentials) {
        try {
            return new S3Emulator(directory, credentials);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy" + (directory == null ? "" : " in " + directory)
                    + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Signs with the emulator's key pair; closed by {@link #close}. */
    public S3Client client() {
        return client;
    }

    /** Presigns path-style URLs with the emulator's key pair; closed by {@link #close}. */
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
