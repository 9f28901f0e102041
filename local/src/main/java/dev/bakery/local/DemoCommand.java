package dev.bakery.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.ImageReference;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.registry.Manifest;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bakery local demo}: the README's first command. Starts a throw-away control plane, runs the
 * real CLI on {@code samples/hello} against it (its log lines live), then reads the multi-arch
 * index back from the registry and prints its digest and platforms.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Builds samples/hello for linux/amd64 and linux/arm64 on a temporary local control plane, "
                + "printing the build's log lines live, then shows the multi-arch index it pushed.")
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Main main;

    @Option(names = "--root", paramLabel = "DIR",
            description = "the Bakery repository (holds samples/hello and cli/target/bakery.jar; default: found from this jar)")
    Path root;

    @Override
    public Integer call() throws Exception {
        Path repository = root != null ? root.toAbsolutePath() : repository();
        Path sample = repository.resolve("samples/hello");
        Path cli = repository.resolve("cli/target/bakery.jar");
        if (!Files.isRegularFile(sample.resolve("bakery.yaml"))) {
            throw new UserError("no samples/hello/bakery.yaml under " + repository + ": run the demo from the Bakery repository"
                    + " or pass --root DIR");
        }
        if (!Files.isRegularFile(cli)) {
            throw new UserError("the CLI is not built (" + cli + " is missing): run ./mvnw -B -DskipTests package first");
        }
        main.ephemeral = true;
        // The CLI's output is the demo; the server says only what goes wrong.
        Configurator.setLevel("dev.bakery", Level.WARN);
        try (LocalServer server = main.start()) {
            System.out.println("bakery-local is up on " + server.restUri() + " (registry " + server.registry()
                    + "); building samples/hello for amd64 and arm64:");
            System.out.flush();
            // As a user's CLI reaches the local mode: its endpoint file names the URLs and the run's keys.
            ProcessBuilder cliRun = new ProcessBuilder(javaExecutable(), "-jar", cli.toString(), "build", "--endpoint", "local",
                    "--config", sample.resolve("bakery.yaml").toString(), "--repo", sample.toString()).inheritIO();
            cliRun.environment().put("BAKERY_LOCAL_DIR", main.dataDirInUse().toString());
            Process build = cliRun.start();
            int exit = build.waitFor();
            if (exit != 0) {
                System.err.println("bakery-local: the demo build failed (exit " + exit + "): its output above says why");
                return exit;
            }
            printIndex(indexOf(sample.resolve("bakery.yaml")));
            return 0;
        } finally {
            // Null when the start was refused (e.g. buildah missing): nothing to clean, and the
            // refusal's sentence is what the user must see.
            if (main.dataDirInUse() != null) {
                Main.deleteTree(main.dataDirInUse());
            }
        }
    }

    /** Where the sample's index goes, as the planner resolves it (the same code the CLI uses). */
    private static ImageReference indexOf(Path config) throws IOException {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of(config.toString(), Files.readString(config))))
                .builds().getFirst().plan().index().destinations().getFirst();
    }

    private static void printIndex(ImageReference index) throws IOException {
        Manifest manifest = new RegistryClient(RegistryCredentials.none()).manifest(index);
        List<String> platforms = new ArrayList<>();
        for (JsonNode child : JSON.readTree(manifest.bytes()).path("manifests")) {
            JsonNode platform = child.path("platform");
            platforms.add(platform.path("os").asText() + "/" + platform.path("architecture").asText()
                    + (platform.hasNonNull("variant") ? "/" + platform.path("variant").asText() : ""));
        }
        System.out.println();
        System.out.println("multi-arch index " + index + " " + manifest.descriptor().digest());
        System.out.println("platforms: " + String.join(", ", platforms));
    }

    /** The repository this jar was built in ({@code <root>/local/target/bakery-local.jar}), else the working directory. */
    private static Path repository() {
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent().getParent().getParent();
            if (Files.isDirectory(candidate.resolve("samples/hello"))) {
                return candidate;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // not started from the built jar: fall back to where the user is
        }
        return Path.of("").toAbsolutePath();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
