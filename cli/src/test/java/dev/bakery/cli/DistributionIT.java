package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.cli.testing.Distribution;
import dev.bakery.cli.testing.Repos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The release's plain archives (bakery-VERSION.tar.gz and .zip), unpacked and run on a machine whose
 * only Java is the one JAVA_HOME names (none on PATH), with their SHA256SUMS.
 */
class DistributionIT {

    @TempDir
    Path dir;

    @Test
    void theChecksumsMatchTheArchives() throws Exception {
        Process check = new ProcessBuilder("sha256sum", "-c", "SHA256SUMS").directory(Distribution.RELEASE.toFile())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor()).as(out).isZero();
        long archives;
        try (var files = Files.list(Distribution.RELEASE)) {
            archives = files.filter(f -> !f.getFileName().toString().equals("SHA256SUMS")).count();
        }
        assertThat(archives).isGreaterThanOrEqualTo(2);
        assertThat(out.lines()).hasSize((int) archives).allSatisfy(line -> assertThat(line).endsWith(": OK"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {".tar.gz", ".zip"})
    void runsWithOnlyTheJavaJavaHomeNames(String suffix) throws Exception {
        Path home = Distribution.unpack(Distribution.archive(suffix), dir.resolve("unpacked"));
        Path repo = Repos.repo(dir.resolve("repo"), Repos.TWO_ARCH_CONFIG);
        Files.move(repo.resolve("config.yaml"), repo.resolve("bakery.yaml"));
        Map<String, String> env = Map.of("PATH", Distribution.bareTools().toString(), "JAVA_HOME",
                System.getProperty("java.home"), "HOME", dir.resolve("user").toString());

        Distribution.Run version = Distribution.bakery(home, repo, env, "version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).matches("bakery \\S+ \\(commit [0-9a-f]{12}(, modified)?\\) on Java "
                + java.util.regex.Pattern.quote(Runtime.version().toString()) + "\n");

        // Twice: the first run writes the class-data-sharing archive, the second maps it; both print the same.
        for (int i = 0; i < 2; i++) {
            Distribution.Run validate = Distribution.bakery(home, repo, env, "validate", "-o", "json");
            assertThat(validate.exit()).as(validate.err()).isZero();
            assertThat(validate.out()).startsWith("{\"valid\":true,").hasLineCount(1);
            assertThat(validate.err()).isEmpty();
        }
        try (var cache = Files.list(dir.resolve("user/.cache/bakery"))) {
            assertThat(cache.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".jsa");
        }
    }
}
