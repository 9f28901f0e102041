package dev.bakery.security.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.testing.BakeryJars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build plants an inline registry password (in its config) and a build secret (in the local
 * vault), and its pre-script and RUN step try every way to print them: {@code env}, the files the
 * agent wrote, the values raw, reversed, in base64, hex and URL-encoded, and escape sequences meant
 * for the user's terminal. It runs for real, through a running {@code bakery-local} (its own
 * registry port) and the CLI jar with {@code --endpoint local}. Then every place the values could
 * have landed is searched for every form of them: each file under the data dir (store, S3Proxy's
 * objects, log store, vault, registry, gunzipped where gzip), each log line the API serves, the CLI's
 * output and bakery-local's own log. Needs root, buildah, docker-registry and busybox, as the e2e run.
 */
class PlantedSecretsTest {

    static final String PASSWORD = MaskedFormsTest.PASSWORD;
    static final String SECRET = MaskedFormsTest.SECRET;
    /** The user's own secret in the vault, as troubleshooting.md tells them to create it: the one place the secret belongs. */
    private static final String SECRET_FILE = "planted%2Ftoken";

    private static final String PRE_SCRIPT = """
            cp "$(command -v busybox || echo /bin/busybox)" busybox
            S=$(cat ../bakery-secrets/tok.secret)
            A=$(sed -n '/"registry.invalid"/,/}/s/.*"auth" *: *"\\([^"]*\\)".*/\\1/p' ../docker/config.json)
            P=$(printf %s "$A" | base64 -d | cut -d: -f2-)
            test -n "$S" && test -n "$P"
            env
            cat ../docker/config.json ../bakery-secrets/tok.secret; echo
            for v in "$S" "$P"; do
              echo "pre raw $v"
              printf %s "$v" | rev; echo
              printf %s "$v" | base64
              printf %s "$v" | base64 | tr -d =
              printf %s "$v" | base64 | tr '+/' '-_'
              printf 'user:%s' "$v" | base64
              printf %s "$v" | xxd -p
              printf %s "$v" | xxd -p -u
              printf %s "$v" | od -An -tx1
              printf %s "$v" | od -An -tx1 | tr -d ' \\n' | sed 's/../%&/g'; echo
              printf %s "$v" | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g; s/~/%7E/g'; echo
            done
            printf 'osc52 \\033]52;c;cGxhbnRlZA==\\007 end\\n'
            printf 'osc8 \\033]8;;https://evil.example/\\033\\\\link\\033]8;;\\033\\\\ end\\n'
            printf 'title \\033]0;owned-title\\007 end\\n'
            printf 'csi \\033[2A\\033[2K\\033[1;1H\\033[?25l end\\n'
            printf 'c1 \\302\\2332J\\302\\2350;c1-title\\302\\234 end\\n'
            """;
    private static final String RUN_SCRIPT = """
            /bin/busybox --install -s /bin
            S=$(cat /run/secrets/tok)
            test -n "$S"
            env
            echo "run raw $S"
            printf %s "$S" | rev; echo
            printf %s "$S" | base64
            printf %s "$S" | xxd -p
            printf %s "$S" | od -An -tx1
            printf 'run osc52 \\033]52;c;cnVu\\007 end\\n'
            """;

    @TempDir
    static Path work;

    private static Path dataDir;
    private static Path localLog;
    private static Process local;
    private static BakeryJars.Run build;
    private static String buildId;
    private static List<String> vaultAfterTheBuild;
    /** The CLI's output of the build and of {@code bakery logs} (plain and JSON): what reached the user. */
    private static final Map<String, String> cliOutput = new LinkedHashMap<>();

    @BeforeAll
    static void plantAndBuild() throws Exception {
        dataDir = work.resolve("data");
        localLog = work.resolve("bakery-local.log");
        int registryPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            registryPort = free.getLocalPort();
        }
        local = BakeryJars.startLocal(dataDir, localLog, "--registry-port", Integer.toString(registryPort));
        Files.writeString(dataDir.resolve("secrets").resolve(SECRET_FILE), SECRET);

        Path repo = Files.createDirectories(work.resolve("repo"));
        Files.writeString(repo.resolve("bakery.yaml"), """
                global:
                  pre-script: |
                %s
                  kaniko-credentials:
                  - registry: registry.invalid
                    username: planter
                    password: "%s"
                  secrets:
                  - id: tok
                    secret: planted/token
                  kaniko:
                    destination: 127.0.0.1:%d/planted:1
                bake:
                - arch: amd64
                """.formatted(PRE_SCRIPT.indent(4).stripTrailing(), PASSWORD, registryPort));
        Files.writeString(repo.resolve("run.sh"), RUN_SCRIPT);
        Files.writeString(repo.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                COPY run.sh /run.sh
                RUN --mount=type=secret,id=tok ["/bin/busybox", "sh", "-e", "/run.sh"]
                """);

        build = BakeryJars.cli(dataDir, "build", "--config", repo.resolve("bakery.yaml").toString(), "--repo", repo.toString(),
                "--endpoint", "local");
        cliOutput.put("bakery build", build.output());
        buildId = build.buildId("default");
        cliOutput.put("bakery logs", BakeryJars.cli(dataDir, "logs", buildId, "--endpoint", "local").output());
        cliOutput.put("bakery logs -o json", BakeryJars.cli(dataDir, "logs", buildId, "--endpoint", "local", "-o", "json")
                .output());
        cliOutput.put("bakery status", BakeryJars.cli(dataDir, "status", buildId, "--endpoint", "local").output());
        try (Stream<Path> files = Files.list(dataDir.resolve("secrets"))) {
            vaultAfterTheBuild = files.map(f -> f.getFileName().toString()).toList();
        }
        BakeryJars.stop(local); // everything written is on disk now
        local = null;
    }

    @AfterAll
    static void stopLocalMode() throws Exception {
        if (local != null) {
            BakeryJars.stop(local);
        }
    }

    @Test
    void theBuildThatTriesToPrintThemSucceedsAndEveryAttemptShowsTheMask() {
        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains(" SUCCEEDED", "pre raw ***", "run raw ***");
        // Every form each loop printed is a line of its own: each one came out masked.
        long maskedLines = build.output().lines().filter(l -> l.endsWith("***")).count();
        assertThat(maskedLines).as(build.output()).isGreaterThanOrEqualTo(2 * 10 + 4);
    }

    @Test
    void noFileUnderTheDataDirHoldsAnyFormOfThem() throws Exception {
        List<String> searched = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (file.equals(dataDir.resolve("secrets").resolve(SECRET_FILE))) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                searched.add(dataDir.relativize(file).toString());
                assertNoForm(dataDir.relativize(file).toString(), bytes);
                gunzipped(bytes).ifPresent(plain -> assertNoForm(dataDir.relativize(file) + " (gunzipped)", plain));
            }
        }
        // The search covered the store, the uploaded context, the log store and the registry.
        assertThat(searched).anyMatch(f -> f.startsWith("dynamodb/")).anyMatch(f -> f.startsWith("s3/"))
                .anyMatch(f -> f.endsWith(".jsonl")).anyMatch(f -> f.startsWith("registry/"));
    }

    @Test
    void theBuildsOwnSecretIsGoneFromTheVaultAfterTheBuild() {
        assertThat(vaultAfterTheBuild).containsExactly(SECRET_FILE);
    }

    @Test
    void noLogLineTheApiServesHoldsAnyFormOfThem() {
        String served = cliOutput.get("bakery logs -o json");
        assertThat(served.lines().filter(l -> l.startsWith("{\"type\":\"log\"")).count()).isGreaterThan(40);
        assertNoForm("GET /builds/" + buildId + "/logs", served.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noOutputOfTheCliHoldsAnyFormOfThem() {
        cliOutput.forEach((command, output) -> assertNoForm(command, output.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bakeryLocalsOwnLogHoldsNoFormOfThem() throws IOException {
        assertNoForm("bakery-local's log", Files.readAllBytes(localLog));
    }

    @Test
    void theUploadedContextHoldsNeitherTheConfigFileNorThePassword() throws Exception {
        List<Path> contexts;
        try (Stream<Path> files = Files.walk(dataDir.resolve("s3"))) {
            contexts = files.filter(f -> f.getFileName().toString().endsWith(".tar.gz")).toList();
        }
        assertThat(contexts).hasSize(1);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(contexts.getFirst())))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                names.add(entry.getName());
                assertNoForm(entry.getName(), tar.readAllBytes());
            }
        }
        assertThat(names).containsExactlyInAnyOrder("Dockerfile", "run.sh");
        assertThat(build.output()).contains("left out of the upload: bakery.yaml");
    }

    @Test
    void anOsc52ClipboardWriteNeverReachesTheTerminal() throws IOException {
        assertStripped("osc52", "]52;c;cGxhbnRlZA==");
        assertStripped("run osc52", "]52;c;cnVu");
    }

    @Test
    void anOsc8HyperlinkNeverReachesTheTerminal() throws IOException {
        assertStripped("osc8", "]8;;https://evil.example/");
        assertThat(build.output()).contains("osc8 link end");
    }

    @Test
    void aTitleChangeNeverReachesTheTerminal() throws IOException {
        assertStripped("title", "]0;owned-title");
    }

    @Test
    void csiCursorMovesNeverReachTheTerminal() throws IOException {
        assertStripped("csi", "[1;1H");
    }

    @Test
    void c1ControlSequencesNeverReachTheTerminal() throws IOException {
        assertStripped("c1", "c1-title");
    }

    /**
     * The sequence reached the build's stored log (the attack was made), and no output of the CLI
     * holds it, nor any ESC or C1 control at all (its output is not a terminal: it prints no colour).
     */
    private static void assertStripped(String marker, String sequence) throws IOException {
        String stored;
        try (Stream<Path> logs = Files.walk(dataDir)) {
            stored = logs.filter(f -> f.getFileName().toString().endsWith(".jsonl")).map(PlantedSecretsTest::read)
                    .reduce("", String::concat);
        }
        assertThat(stored).as("the build printed it").contains(sequence);
        assertThat(cliOutput.get("bakery build")).contains(marker + " ");
        assertThat(cliOutput.get("bakery logs")).contains(marker + " ");
        cliOutput.forEach((command, output) -> {
            assertThat(output).as(command).doesNotContain(sequence);
            assertThat(output.chars().filter(c -> c == 0x1b || c >= 0x80 && c <= 0x9f || c == '\r' || c == 0x07))
                    .as(command).isEmpty();
        });
    }

    /** Every form of the planted values a build could print them in. */
    private static List<String> forms() {
        List<String> forms = new ArrayList<>();
        for (String value : List.of(PASSWORD, SECRET)) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            forms.add(value);
            forms.add(new StringBuilder(value).reverse().toString());
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            forms.add(Base64.getEncoder().encodeToString(("planter:" + value).getBytes(StandardCharsets.UTF_8)));
            forms.add(Base64.getEncoder().encodeToString(("user:" + value).getBytes(StandardCharsets.UTF_8)));
            forms.add(HexFormat.of().formatHex(bytes));
            forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
            forms.add(HexFormat.ofDelimiter(" ").formatHex(bytes));
            forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
            StringBuilder everyByte = new StringBuilder();
            for (byte b : bytes) {
                everyByte.append('%').append(HexFormat.of().toHexDigits(b));
            }
            forms.add(everyByte.toString());
        }
        return forms;
    }

    private static void assertNoForm(String where, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: a binary file is searched too
        for (String form : forms()) {
            assertThat(text.contains(new String(form.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)))
                    .as("%s holds %s", where, form).isFalse();
        }
    }

    private static java.util.Optional<byte[]> gunzipped(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
            return java.util.Optional.empty();
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return java.util.Optional.of(in.readAllBytes());
        } catch (IOException notGzip) {
            return java.util.Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
