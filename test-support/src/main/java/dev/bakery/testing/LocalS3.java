package dev.bakery.testing;

import dev.bakery.emulators.S3Emulator;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** S3Proxy in memory on a free 127.0.0.1 port, with SigV4 auth like S3; close() stops it. */
public final class LocalS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "local-access";
    public static final String SECRET_KEY = "local-secret";

    private final S3Emulator s3;

    private LocalS3(S3Emulator s3) {
        this.s3 = s3;
    }

    public static LocalS3 start() {
        return start(ACCESS_KEY, SECRET_KEY);
    }

    /** With the credentials another process will sign with (a benchmark's fresh JVM, the local mode). */
    public static LocalS3 start(String accessKey, String secretKey) {
        return new LocalS3(S3Emulator.inMemory(AwsBasicCredentials.create(accessKey, secretKey)));
    }

    public URI endpoint() {
        return s3.endpoint();
    }

    public S3Client client() {
        return s3.client();
    }

    /** Presigns path-style URLs for this proxy with the same credentials. */
    public S3Presigner presigner() {
        return s3.presigner();
    }

    @Override
    public void close() {
        s3.close();
    }
}
