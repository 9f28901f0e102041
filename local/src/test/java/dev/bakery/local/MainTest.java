package dev.bakery.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.local.tasks.ExecutionStarter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a newcomer sees when bakery-local cannot start: one sentence saying what to do, exit code 2. */
class MainTest {

    @TempDir
    Path temp;

    private record Outcome(int code, String err) {
    }

    private Outcome run(Map<String, String> env, long uid, String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine(new Main(env, uid, tasks -> (name, input) -> {
            throw new IllegalStateException("no state machine in this test");
        }));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Outcome(code, err.toString());
    }

    private static void assertOneSentence(Outcome outcome, String... mentions) {
        assertThat(outcome.code()).isEqualTo(Main.USER_ERROR);
        assertThat(outcome.err().lines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).startsWith("bakery-local: ").contains(mentions)
                .doesNotContain("Exception", "\tat ");
    }

    /** A PATH with only these of the machine's commands on it. */
    private String path(String... commands) throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        for (String command : commands) {
            Path script = Files.writeString(bin.resolve(command), "#!/bin/sh\nexec /usr/bin/" + command + " \"$@\"\n");
            script.toFile().setExecutable(true);
        }
        return bin.toString();
    }

    @Test
    void notRoot() {
        assertOneSentence(run(Map.of("PATH", System.getenv("PATH")), 1000, "--data-dir", temp.toString()),
                "needs root", "sudo");
    }

    @Test
    void buildahMissing() throws IOException {
        assertOneSentence(run(Map.of("PATH", path("docker-registry")), 0, "--data-dir", temp.toString()),
                "buildah is not installed", "apt-get install");
    }

    /** The demo's clean-up must not hide the refusal (it once printed a NullPointerException instead). */
    @Test
    void demoWithoutBuildahSaysToInstallIt() throws IOException {
        Path repository = temp.resolve("repo");
        Files.createDirectories(repository.resolve("samples/hello"));
        Files.writeString(repository.resolve("samples/hello/bakery.yaml"), "bake: [{arch: amd64}]\n");
        Files.createDirectories(repository.resolve("cli/target"));
        Files.writeString(repository.resolve("cli/target/bakery.jar"), "");
        assertOneSentence(run(Map.of("PATH", path("docker-registry")), 0, "demo", "--root", repository.toString()),
                "buildah is not installed", "apt-get install");
    }

    @Test
    void dockerRegistryMissing() throws IOException {
        assertOneSentence(run(Map.of("PATH", path("buildah")), 0, "--data-dir", temp.toString()),
                "docker-registry is not installed", "apt-get install docker-registry", "--registry HOST:PORT");
    }

    @Test
    void dockerRegistryIsNotNeededWithTheUsersRegistryButThePortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertOneSentence(run(Map.of("PATH", path("buildah")), 0, "--data-dir", temp.toString(),
                    "--registry", "127.0.0.1:5000", "--port", Integer.toString(taken.getLocalPort())),
                    "port " + taken.getLocalPort() + " on 127.0.0.1 is taken", "--port");
        }
    }

    @Test
    void registryPortTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertOneSentence(run(Map.of("PATH", System.getenv("PATH")), 0, "--data-dir", temp.toString(), "--port", "0",
                    "--registry-port", Integer.toString(taken.getLocalPort())),
                    "port " + taken.getLocalPort() + " for the local registry is taken", "--registry-port");
        }
        assertThat(temp.resolve("endpoint.json")).doesNotExist();
    }

    @Test
    void anotherBakeryLocalOnTheSameDataDir() throws IOException {
        // This JVM plays the running one.
        Files.writeString(temp.resolve("endpoint.json"), "{\"rest\":\"http://127.0.0.1:1\",\"pid\":"
                + ProcessHandle.current().pid() + "}");
        assertOneSentence(run(Map.of("PATH", System.getenv("PATH")), 0, "--data-dir", temp.toString(),
                "--registry", "127.0.0.1:5000"), "already running", "--data-dir");
    }

    @Test
    void badOptions() {
        assertOneSentence(run(Map.of("PATH", System.getenv("PATH")), 0, "--registry", "not a registry"),
                "--registry must be HOST:PORT");
        assertOneSentence(run(Map.of("PATH", System.getenv("PATH")), 0, "--ephemeral", "--data-dir", temp.toString()),
                "exclude each other");
    }
}
