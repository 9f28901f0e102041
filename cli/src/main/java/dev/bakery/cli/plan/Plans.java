package dev.bakery.cli.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.core.Arch;
import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.Defaults;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Problem;
import dev.bakery.core.Resolution;
import dev.bakery.core.SetOverride;
import dev.bakery.core.SourceFile;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the user's files and asks {@code core} for the plans, then applies {@code --platform}. Every
 * user error is a {@link BakeryConfigException}, printed as core prints it.
 */
public final class Plans {

    /**
     * Looked for in the repository, in this order, when neither {@code --config} nor {@code --compose}
     * is given; more than one found is an error (which one was meant is the user's to say).
     */
    public static final List<String> DISCOVERED = List.of("bakery.yaml", "bakery.yml", "config.yaml", "compose.yaml",
            "compose.yml", "docker-compose.yaml", "docker-compose.yml");

    private Plans() {
    }

    public static Resolution resolve(PlanInput input) {
        return resolve(input, file -> { });
    }

    /**
     * As {@link #resolve(PlanInput)}, telling {@code read} each file it read (absolute, normalized):
     * config, compose files and what they include, {@code .env} files.
     */
    public static Resolution resolve(PlanInput input, Consumer<Path> read) {
        Path repo = input.repo().toAbsolutePath().normalize();
        if (!Files.isDirectory(repo)) {
            throw problem("", "--repo", repo + " is not a directory");
        }
        Path configPath = input.config();
        Path composePath = input.compose();
        if (configPath == null && composePath == null) {
            Path found = input.repo().resolve(discover(repo)).normalize();
            if (found.getFileName().toString().contains("compose")) {
                composePath = found;
            } else {
                configPath = found;
            }
        }
        if (!input.services().isEmpty() && composePath == null) {
            throw problem("", "--services", "selects compose services: give --compose too");
        }
        SourceFile config = configPath == null ? null : read(repo, configPath, "--config", false, read);
        SourceFile compose = composePath == null ? null : read(repo, composePath, "--compose", true, read);
        Set<Arch> archs = archs(input.platforms());
        Defaults defaults = Defaults.fromEnvironment(input.env());
        if (!archs.isEmpty()) {
            // A compose service without x-bake.platforms builds the first requested arch.
            defaults = new Defaults(defaults.resources(), defaults.timeoutSeconds(), archs.iterator().next());
        }
        Resolution resolution = BuildPlanner.plan(new PlanRequest(config, compose, input.services(), input.env(), defaults,
                path -> projectFile(repo, path, read), SetOverride.parse(input.sets())));
        if (archs.isEmpty()) {
            return resolution;
        }
        List<PlannedBuild> selected = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (PlannedBuild build : resolution.builds()) {
            try {
                selected.add(new PlannedBuild(PlatformSelection.select(build.plan(), archs), build.inlinePasswords()));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("", "--platform", 0, 0, e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new BakeryConfigException(problems);
        }
        return new Resolution(selected, resolution.warnings());
    }

    /** The name of the one file of {@link #DISCOVERED} in the repository. */
    private static String discover(Path repo) {
        List<String> found = DISCOVERED.stream().filter(name -> Files.isRegularFile(repo.resolve(name))).toList();
        if (found.isEmpty()) {
            throw problem("", "", "no bakery.yaml, config.yaml or compose file in " + repo
                    + " (looked for " + String.join(", ", DISCOVERED) + "): pass --config FILE or --compose FILE");
        }
        if (found.size() > 1) {
            throw problem("", "", "found " + String.join(" and ", found) + " in " + repo
                    + ": say which to build with --config FILE or --compose FILE (both: compose on top of config's global)");
        }
        return found.getFirst();
    }

    /**
     * A plan's JSON exactly as core writes it (and the API reads it): no secret values. The API's mapper:
     * a mapper of its own would be built whenever plans are resolved, which `bakery validate` pays for at start-up.
     */
    public static JsonNode json(BuildPlan plan) {
        try {
            return BakeryApi.JSON.readTree(PlanJson.write(plan));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("core wrote a plan that is not JSON", e);
        }
    }

    /** {@code linux/amd64}, {@code amd64}, {@code linux/arm64/v8}, comma-separated or repeated. */
    static Set<Arch> archs(List<String> platforms) {
        Set<Arch> archs = new LinkedHashSet<>();
        List<Problem> problems = new ArrayList<>();
        for (String item : platforms) {
            for (String platform : item.split(",")) {
                String text = platform.strip().toLowerCase(Locale.ROOT);
                if (text.isEmpty()) {
                    continue;
                }
                String[] parts = text.split("/");
                String arch = parts[0].equals("linux") && parts.length > 1 ? parts[1] : parts[0];
                try {
                    archs.add(Arch.fromKey(arch));
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem("", "--platform", 0, 0, "\"" + platform.strip()
                            + "\" is not a platform Bakery builds (use linux/amd64 or linux/arm64)"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new BakeryConfigException(problems);
        }
        return archs;
    }

    /** A file a compose file refers to ({@code include:}, {@code .env}); core keeps the path inside the repository. */
    private static Optional<String> projectFile(Path repo, String path, Consumer<Path> read) {
        Path file = repo.resolve(path).normalize();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            read.accept(file);
            return Optional.of(Files.readString(file));
        } catch (MalformedInputException e) {
            throw problem(path, "", "is not UTF-8 text");
        } catch (IOException e) {
            throw problem(path, "", "cannot be read: " + e.getMessage());
        }
    }

    private static SourceFile read(Path repo, Path given, String flag, boolean mustBeInRepo, Consumer<Path> read) {
        Path file = given.toAbsolutePath().normalize();
        String name = given.toString();
        String text;
        read.accept(file);
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw problem(name, flag, "no such file");
        } catch (MalformedInputException e) {
            throw problem(name, flag, "is not UTF-8 text");
        } catch (IOException e) {
            throw problem(name, flag, "cannot be read: " + e.getMessage());
        }
        Path parent = file.getParent();
        if (!parent.startsWith(repo)) {
            if (mustBeInRepo) {
                throw problem(name, flag, "is outside the repository " + repo
                        + ": its build contexts must be inside what is uploaded (pass --repo)");
            }
            return new SourceFile(name, text, "");
        }
        return new SourceFile(name, text, repo.relativize(parent).toString().replace('\\', '/'));
    }

    private static BakeryConfigException problem(String file, String path, String message) {
        return new BakeryConfigException(new Problem(file, path, 0, 0, message));
    }
}
