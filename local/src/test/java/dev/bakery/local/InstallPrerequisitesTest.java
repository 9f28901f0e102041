package dev.bakery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/install-prerequisites}, which .ci/run, the bakery launcher (before {@code local}) and
 * the Maven build call: it says what it installs, installs only what is missing, and tells a non-root
 * user the command to run. apt-get is a stand-in on PATH that records its arguments.
 */
class InstallPrerequisitesTest {

    private static final Path SCRIPT = Path.of("..", "scripts", "install-prerequisites").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int exit, String err, String aptCalls) {
    }

    /** A PATH holding only these stand-ins (each exits 0), apt-get recording, and {@code id} answering {@code uid}. */
    private Run run(int uid, List<String> present) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("apt-calls");
        executable(bin.resolve("apt-get"), "#!/bin/sh\necho \"$*\" >> " + calls + "\n");
        executable(bin.resolve("id"), "#!/bin/sh\necho " + uid + "\n");
        for (String command : present) {
            executable(bin.resolve(command), "#!/bin/sh\nexit 0\n");
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", SCRIPT.toString(), "--yes")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(dir.resolve("err").toFile()).redirectOutput(dir.resolve("out").toFile());
        builder.environment().put("PATH", bin.toString());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("err"), StandardCharsets.UTF_8),
                Files.exists(calls) ? Files.readString(calls) : "");
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    @Test
    void saysWhatItInstallsThenInstallsOnlyThat() throws Exception {
        Run run = run(0, List.of("docker-registry", "htpasswd"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).startsWith("bakery: installing with apt-get: buildah ").contains("nodejs npm")
                .doesNotContain("docker-registry", "apache2-utils");
        assertThat(run.aptCalls().lines()).hasSize(2).first().isEqualTo("update -qq");
        assertThat(run.aptCalls().lines().toList().get(1)).startsWith("install -y -qq --no-install-recommends buildah ")
                .endsWith("nodejs npm");
    }

    @Test
    void nothingMissingIsQuietAndCallsNoApt() throws Exception {
        assertThat(Files.isExecutable(Path.of("/bin/busybox"))).as("busybox-static, which .ci/run installs").isTrue();
        Run run = run(0, List.of("buildah", "docker-registry", "htpasswd", "npm"));
        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.aptCalls()).isEmpty();
    }

    @Test
    void aUserWhoIsNotRootIsToldTheCommand() throws Exception {
        Run run = run(1000, List.of("docker-registry", "htpasswd", "npm"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("bakery needs these Debian packages: buildah",
                "install them as root: apt-get install -y --no-install-recommends buildah");
        assertThat(run.aptCalls()).isEmpty();
    }
}
