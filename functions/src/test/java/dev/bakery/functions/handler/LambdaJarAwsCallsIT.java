package dev.bakery.functions.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.LoopbackAws;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda jar's SDK is trimmed to the operations the functions call (src/build/TrimSdkModels.java):
 * each of those operations still works from the jar alone, in a fresh JVM.
 */
class LambdaJarAwsCallsIT {

    @TempDir
    Path dir;

    @Test
    void everyOperationTheFunctionsCallWorksFromTheTrimmedJar() throws Exception {
        try (LoopbackAws aws = LoopbackAws.start()) {
            String machine = aws.stateMachine("eu-west-1", "bakery-build");
            aws.secretMarkedForDeletion("bakery/builds/old", "old").logGroup("/bakery/builds")
                    .logEvent("/bakery/builds", "agent/t1", 1_000, "{\"buildId\":\"b-probe\",\"msg\":\"hello\"}")
                    .ecrRegistry("123456789012", "ecr-password");
            aws.connect("c-probe");
            Path out = dir.resolve("out.txt");
            Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    String.join(java.io.File.pathSeparator, LambdaJarLoggingIT.lambdaJar().toString(),
                            Path.of("target", "test-classes").toString(), loopbackAwsClasses()),
                    LambdaJarAwsProbe.class.getName(), aws.endpoint().toString(), aws.managementEndpoint().toString(), machine)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(out, StandardCharsets.UTF_8);

            assertThat(probe.exitValue()).as(printed).isZero();
            assertThat(printed).contains("execution ABORTED", "secret {\"k0\":\"pw\"}",
                    "log {\"buildId\":\"b-probe\",\"msg\":\"hello\"}", "ecr AWS", "posted");
            assertThat(aws.storedSecrets()).containsOnlyKeys("bakery/builds/old");
            assertThat(aws.postsTo("c-probe")).containsExactly("frame");
        }
    }

    /** The probe reaches the loopback server through test-support's classes; every other class comes from the jar. */
    private static String loopbackAwsClasses() throws java.net.URISyntaxException {
        return Path.of(LoopbackAws.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
