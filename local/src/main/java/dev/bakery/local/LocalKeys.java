package dev.bakery.local;

import java.security.SecureRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The AWS keys of one bakery-local run, random at every start: the API gateway, the store's front,
 * S3Proxy and the local Secrets Manager endpoint check the signatures made with them; the server's
 * own clients, its agent processes (given them on stdin, never in an environment a build could read)
 * and its owner's CLI (from the 0600 endpoint file) sign with them. Anyone else on the machine
 * reaches the loopback ports but cannot sign, so cannot submit, read contexts or secrets.
 * Letters and digits only: any access key service accepts them.
 */
public record LocalKeys(String accessKeyId, String secretAccessKey) {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public LocalKeys {
        if (accessKeyId == null || !accessKeyId.matches("[A-Za-z0-9]+") || secretAccessKey == null
                || !secretAccessKey.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("local keys are letters and digits");
        }
    }

    /** A new pair: a 20-character key id (as AWS's look) and a 40-character secret, about 238 random bits. */
    public static LocalKeys random() {
        return new LocalKeys("BKL" + random(17), random(40));
    }

    private static String random(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    public AwsBasicCredentials credentials() {
        return AwsBasicCredentials.create(accessKeyId, secretAccessKey);
    }

    public AwsCredentialsProvider provider() {
        return StaticCredentialsProvider.create(credentials());
    }

    /** Never the secret: records print every component otherwise. */
    @Override
    public String toString() {
        return "LocalKeys[" + accessKeyId + "]";
    }
}
