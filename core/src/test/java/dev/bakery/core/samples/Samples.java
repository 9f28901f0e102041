package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Resolution;
import dev.bakery.core.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The repository's {@code samples/} directory as the CLI would read it: a sample's folder is the
 * repository ({@code --repo samples/<name>}), its config or compose file sits at that root.
 */
final class Samples {

    /** Tests run in {@code core/}; the samples are beside it. */
    static final Path ROOT = Path.of("..", "samples");

    private Samples() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Plans a sample's config.yaml; every plan must survive the JSON round trip the server does. */
    static Resolution planConfig(String relative) {
        return checked(BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of(fileName(relative), read(relative)))));
    }

    static Resolution planCompose(String relative, Map<String, String> environment, String... services) {
        return checked(BuildPlanner.plan(PlanRequest.ofCompose(SourceFile.of(fileName(relative), read(relative)), environment)
                .withServices(List.of(services))));
    }

    static BuildPlan plan(Resolution resolution, String service) {
        return resolution.builds().stream().map(PlannedBuild::plan).filter(p -> p.service().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no plan for service " + service));
    }

    static List<String> destinations(BuildTask task) {
        return task.destinations().stream().map(ImageReference::toString).toList();
    }

    static List<String> indexDestinations(BuildPlan plan) {
        return plan.index().destinations().stream().map(ImageReference::toString).toList();
    }

    /** The Dockerfile a task builds, as a path under the sample's folder. */
    static Path dockerfile(String sample, BuildTask task) {
        return path(sample).resolve(task.kaniko().contextPath()).resolve(task.kaniko().dockerfile()).normalize();
    }

    /** Dockerfile instructions (the first word of each line that is not a comment or a continuation). */
    static List<String> instructions(Path dockerfile) {
        try {
            List<String> lines = Files.readAllLines(dockerfile);
            return IntStream.range(0, lines.size())
                    .filter(i -> i == 0 || !lines.get(i - 1).stripTrailing().endsWith("\\"))
                    .mapToObj(i -> lines.get(i).strip())
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.split("\\s+", 2)[0].toUpperCase(Locale.ROOT))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileName(String relative) {
        return Path.of(relative).getFileName().toString();
    }

    private static Resolution checked(Resolution resolution) {
        for (PlannedBuild build : resolution.builds()) {
            String json = PlanJson.write(build.plan());
            assertThat(PlanJson.read("plan", json)).as("JSON round trip of " + build.plan().service()).isEqualTo(build.plan());
        }
        return resolution;
    }
}
