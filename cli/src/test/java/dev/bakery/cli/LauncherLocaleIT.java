package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real CLI, started by the {@code bakery} launcher as a user starts it, in the locales of minimal CI
 * images (none at all, or POSIX), on a tree whose file names are not ASCII: Java would decode those
 * names with the locale's ASCII charset and fail to open them.
 */
class LauncherLocaleIT {

    private static final Path LAUNCHER = Path.of("..", "bakery").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "bakery.jar").toAbsolutePath();
    private static final List<String> NAMES = List.of("café.txt", "日本語/データ.txt", "naïve dir/Ünïcödé");

    @TempDir
    Path dir;

    private Path repo;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void tree() throws Exception {
        repo = tree(dir.resolve("répertoire"));
    }

    private static Path tree(Path repo) throws Exception {
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nCOPY . /app/\n");
        Files.writeString(repo.resolve("config.yaml"),
                "global: {kaniko: {destination: registry.example.com/app:1}}\nbake: [{arch: amd64}]\n");
        for (String name : NAMES) {
            Path file = repo.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, name);
        }
        return repo;
    }

    /** {@code env -i}: nothing but PATH and JAVA_HOME, plus the locale under test. */
    private Run run(Map<String, String> locale, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(locale);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "LC_ALL={0}")
    @ValueSource(strings = {"", "POSIX", "C"})
    void theLauncherPacksNonAsciiNames(String lcAll) throws Exception {
        assertThat(JAR).as("the packaged CLI").isRegularFile();
        Run run = run(lcAll.isEmpty() ? Map.of() : Map.of("LC_ALL", lcAll), "sh", LAUNCHER.toString(), "build",
                "--dry-run", "-o", "json", "--repo", repo.toString(), "--config", repo.resolve("config.yaml").toString());
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode files = new ObjectMapper().readTree(run.out()).path("contexts").path(0).path("files");
        List<String> names = new ArrayList<>();
        files.forEach(f -> names.add(f.asText()));
        assertThat(names).containsAll(NAMES).contains("日本語/", "naïve dir/");
    }

    /** The jar started without the launcher in such a locale says what to do instead of a stack trace. */
    @Test
    void theBareJarNamesTheLocaleFix() throws Exception {
        Path repo = tree(dir.resolve("ascii-repo")); // its files' names are not ASCII, its own is
        Run run = run(Map.of("LC_ALL", "POSIX"), System.getProperty("java.home") + "/bin/java", "-jar", JAR.toString(),
                "build", "--dry-run", "--repo", repo.toString(), "--config", repo.resolve("config.yaml").toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("cannot be read in this locale's file name encoding", "LC_ALL=C.UTF-8")
                .doesNotContain("Exception", "\tat ");
    }
}
