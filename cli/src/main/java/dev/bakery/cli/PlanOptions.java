package dev.bakery.cli;

import dev.bakery.cli.plan.PlanInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What to build: the original Bakery's flags, plus {@code --platform}. */
final class PlanOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Bakery config file (global + bake[]); default: the one file of bakery.yaml, bakery.yml,"
                    + " config.yaml, compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in --repo"
                    + " when no --compose is given (a compose file found so is read as --compose).")
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

    @Option(names = "--set", paramLabel = "TARGET.KEY=VALUE",
            description = "Override a setting of the matching tasks, as docker buildx bake --set (repeatable; a later one"
                    + " wins). TARGET is *, a compose service or an arch; KEY a config key path, e.g. --set"
                    + " amd64.kaniko.target=prod, --set '*.kaniko.build-args.VERSION=1.2', --set api.kaniko.tags=a,b.")
    List<String> sets = new ArrayList<>();

    PlanInput input(CliContext context) {
        return new PlanInput(repo, config, compose, services, platforms, context.env(), sets);
    }
}
