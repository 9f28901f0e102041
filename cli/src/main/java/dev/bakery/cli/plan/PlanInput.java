package dev.bakery.cli.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to plan, as the user gave it.
 *
 * @param repo      the repository (build context root)
 * @param config    {@code --config}, or null
 * @param compose   {@code --compose}, or null
 * @param services  {@code --services} (compose only), empty for all
 * @param platforms {@code --platform}, e.g. {@code linux/arm64} or {@code amd64}; empty for the files' own
 * @param env       for compose interpolation and the default cpu, memory and timeout
 * @param sets      {@code --set TARGET.KEY=VALUE}, in order
 */
public record PlanInput(Path repo, Path config, Path compose, List<String> services, List<String> platforms,
        Map<String, String> env, List<String> sets) {

    public PlanInput {
        services = List.copyOf(services);
        platforms = List.copyOf(platforms);
        sets = List.copyOf(sets);
        env = Map.copyOf(env);
    }
}
