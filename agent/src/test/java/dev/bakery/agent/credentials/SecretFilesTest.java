package dev.bakery.agent.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.SecretMount;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.registry.SecretsManagerSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build secrets read over Secrets Manager's wire protocol (a loopback fake that checks SigV4) into files. */
class SecretFilesTest {

    private static LoopbackAws aws;
    private static SecretsManagerSecrets secrets;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        aws = LoopbackAws.start().secret("ci/npmrc", "//npm.example.com/:_authToken=npm-token-1\n")
                .secret("ci/token", "expected-value");
        secrets = new SecretsManagerSecrets(aws.secretsManager("eu-west-1"));
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void eachValueIsAFileOnlyItsOwnerReadsAndCloseDeletesThem() throws IOException {
        Path dir = temp.resolve("bakery-secrets");
        Path npmrc;
        try (SecretFiles files = SecretFiles.write(dir, List.of(new SecretMount("npmrc", "ci/npmrc"),
                new SecretMount("token", "ci/token")), secrets)) {
            assertThat(files.files().keySet()).containsExactly("npmrc", "token");
            npmrc = files.files().get("npmrc");
            assertThat(npmrc.getParent()).isEqualTo(dir);
            assertThat(Files.readString(npmrc)).isEqualTo("//npm.example.com/:_authToken=npm-token-1\n");
            assertThat(Files.readString(files.files().get("token"))).isEqualTo("expected-value");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(npmrc))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(files.values()).containsExactly("//npm.example.com/:_authToken=npm-token-1\n", "expected-value");
        }
        assertThat(npmrc).doesNotExist();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aMissingSecretFailsNamingTheIdAndTheSecretBeforeAnyFileIsWritten() {
        Path dir = temp.resolve("bakery-secrets");
        assertThatThrownBy(() -> SecretFiles.write(dir, List.of(new SecretMount("token", "ci/token"),
                new SecretMount("npmrc", "ci/missing")), secrets))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot read build secret \"npmrc\": secret ci/missing not found in Secrets Manager")
                .hasMessageNotContaining("expected-value");
        assertThat(dir).doesNotExist();
    }

    @Test
    void noMountsNoDirectory() throws IOException {
        Path dir = temp.resolve("bakery-secrets");
        try (SecretFiles files = SecretFiles.write(dir, List.of(), id -> {
            throw new AssertionError("nothing to read");
        })) {
            assertThat(files.files()).isEmpty();
        }
        assertThat(dir).doesNotExist();
    }
}
