package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.cli.testing.Distribution;
import dev.bakery.cli.testing.Repos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release's bakery-VERSION-linux-x64.tar.gz (built with -Prelease, which runs this test): unpacked
 * on a machine with no Java at all on PATH and no JAVA_HOME, it runs on its own jlinked runtime.
 */
class ReleaseRuntimeIT {

    @TempDir
    Path dir;

    @Test
    void runsWithNoJavaOnTheMachine() throws Exception {
        Path home = Distribution.unpack(Distribution.archive("-linux-x64.tar.gz"), dir.resolve("unpacked"));
        Path repo = Repos.repo(dir.resolve("repo"), Repos.TWO_ARCH_CONFIG);
        Map<String, String> env = Map.of("PATH", Distribution.bareTools().toString(), "HOME", dir.resolve("user").toString());

        Distribution.Run version = Distribution.bakery(home, repo, env, "version");
        assertThat(version.exit()).as(version.err()).isZero();
        String runtime = Files.readAllLines(home.resolve("runtime/release")).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                .findFirst().orElseThrow().replaceAll("JAVA_VERSION=\"(.*)\"", "$1");
        assertThat(version.out()).startsWith("bakery ").contains(" on Java " + runtime);

        // A plan resolved, JSON written, a context packed and compressed: the runtime has the modules these need.
        Distribution.Run dryRun = Distribution.bakery(home, repo, env, "build", "--dry-run", "-o", "json");
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("\"files\":[", "\"src/main.txt\"");
        Distribution.Run validate = Distribution.bakery(home, repo, env, "validate");
        assertThat(validate.exit()).as(validate.err()).isZero();
        assertThat(validate.out()).endsWith("valid: 1 build\n");
    }
}
