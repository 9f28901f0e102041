package dev.bakery.cli;

import dev.bakery.cli.plan.PlanInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What to build: the original Bakery's flags, plus {@code --platform}. */
final class PlanOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Bakery config file (global + bake[]); default: config.yaml in --repo when no --compose is given.")
    Path config;

    @Option(names = "--compose", paramLabel = "FILE",
            description = "Compose file: one build per service (build.context, dockerfile, args, x-bake.platforms); with"
                    + " --config too, config's global is the base.")
    Path compose;

    @Option(names = "--services", paramLabel = "NAME", split = ",",
            description = "Compose services to build (comma-separated or repeated); default: all.")
    List<String> services = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
            description = "The repository: the build context that is packed and uploaded (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--platform", paramLabel = "PLATFORM", split = ",",
            description = "Build only these architectures, e.g. linux/arm64 or amd64,arm64 (a compose service without"
                    + " x-bake.platforms builds the first one).")
    List<String> platforms = new ArrayList<>();

    PlanInput input(CliContext context) {
        return new PlanInput(repo, config, compose, services, platforms, context.env());
    }
}
