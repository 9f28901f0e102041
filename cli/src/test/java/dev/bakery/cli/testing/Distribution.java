package dev.bakery.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A released archive of target/release, unpacked and run as on a machine that has nothing else: a PATH
 * of only the POSIX tools the launcher uses (no java on it), no JAVA_HOME unless given.
 */
public final class Distribution {

    public static final Path RELEASE = Path.of("target", "release").toAbsolutePath();
    private static final List<String> TOOLS = List.of("sh", "readlink", "dirname", "cat", "sed", "mkdir", "tr", "ls",
            "sort", "head", "uname");

    /** What a run printed and how it ended. */
    public record Run(int exit, String out, String err) {
    }

    private Distribution() {
    }

    /** The one archive whose name ends so, e.g. {@code .zip} or {@code -linux-x64.tar.gz}. */
    public static Path archive(String suffix) throws IOException {
        try (var files = Files.list(RELEASE)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().matches("bakery-[^-]+(-SNAPSHOT)?" + suffix.replace(".", "\\.")))
                    .toList();
            assertThat(found).as("the archive *" + suffix + " in " + RELEASE + " (mvn package; the linux-x64 one with -Prelease)")
                    .hasSize(1);
            return found.getFirst();
        }
    }

    /** Unpacks with the system's tar or unzip (as a user does: they keep the launcher's executable bit). */
    public static Path unpack(Path archive, Path into) throws Exception {
        Files.createDirectories(into);
        List<String> command = archive.toString().endsWith(".zip") ? List.of("unzip", "-q", archive.toString(), "-d", into.toString())
                : List.of("tar", "-xzf", archive.toString(), "-C", into.toString());
        assertThat(run(new ProcessBuilder(command), into).exit()).isZero();
        try (var dirs = Files.list(into)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /** A directory holding links to just the tools the launcher needs (in target/, kept between tests). */
    public static synchronized Path bareTools() throws IOException {
        Path bin = Files.createDirectories(Path.of("target", "bare-bin").toAbsolutePath());
        for (String tool : TOOLS) {
            for (String where : List.of("/usr/bin/", "/bin/")) {
                Path target = Path.of(where + tool);
                if (Files.isExecutable(target) && !Files.exists(bin.resolve(tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), target);
                }
            }
        }
        return bin;
    }

    /** {@code home/bin/bakery ARGS} under {@code env -i} with the given variables. */
    public static Run bakery(Path home, Path workDir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/bakery").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        return run(builder, workDir);
    }

    private static Run run(ProcessBuilder builder, Path workDir) throws Exception {
        Path out = Files.createTempFile("dist", ".out");
        Path err = Files.createTempFile("dist", ".err");
        try {
            Process process = builder.directory(workDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
