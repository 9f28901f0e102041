package dev.bakery.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.BakeryJars;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./bakery local demo}, as its launcher runs it: the local mode
 * starts, the CLI jar builds samples/hello for both architectures through it, and the registry
 * serves the index. Needs what {@link LocalModeEndToEndTest} needs, and the registry port 5000 (the
 * sample's destination).
 */
class DemoTest {

    @TempDir
    Path work;

    @Test
    void theDemoBuildsTheSampleForBothArchitecturesAndPrintsItsIndex() throws Exception {
        Path log = work.resolve("demo.log");
        Process demo = new ProcessBuilder(BakeryJars.java(), "-jar", BakeryJars.LOCAL.toString(), "--port", "0", "demo",
                "--root", BakeryJars.ROOT.toString()).directory(BakeryJars.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = demo.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            demo.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as(output).isTrue();
        assertThat(demo.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("default +amd64 +SUCCEEDED +sha256:[0-9a-f]{64}")
                .containsPattern("default +arm64 +SUCCEEDED +sha256:[0-9a-f]{64}")
                .containsPattern("multi-arch index 127\\.0\\.0\\.1:5000/hello:1\\.0 sha256:[0-9a-f]{64}")
                .contains("platforms: linux/amd64, linux/arm64/v8")
                .doesNotContain("SLF4J");
    }
}
