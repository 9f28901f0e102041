package dev.bakery.core;

import java.util.List;
import java.util.Map;

/**
 * What to plan: a config file, a compose file, or both (config's {@code global} is then the base and
 * each compose service merges on top).
 *
 * @param config      config.yaml, or null
 * @param compose     a compose file, or null
 * @param services    compose services to build, in this order; empty for all, in file order
 * @param environment variables for compose interpolation and value-less compose args
 * @param defaults    values for settings nobody set
 * @param files       the repository's files, for a compose file's {@code include:} and {@code .env}
 * @param overrides   {@code --set} values, applied over each matching task's merged settings
 */
public record PlanRequest(SourceFile config, SourceFile compose, List<String> services,
        Map<String, String> environment, Defaults defaults, ProjectFiles files, List<SetOverride> overrides) {

    public PlanRequest {
        if (config == null && compose == null) {
            throw new IllegalArgumentException("give a config file, a compose file, or both");
        }
        services = services == null ? List.of() : List.copyOf(services);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        defaults = defaults == null ? Defaults.STANDARD : defaults;
        files = files == null ? ProjectFiles.NONE : files;
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /** A request without overrides. */
    public PlanRequest(SourceFile config, SourceFile compose, List<String> services, Map<String, String> environment,
            Defaults defaults, ProjectFiles files) {
        this(config, compose, services, environment, defaults, files, List.of());
    }

    /** A request that reads no other file (no {@code include:}, no {@code .env}). */
    public PlanRequest(SourceFile config, SourceFile compose, List<String> services, Map<String, String> environment,
            Defaults defaults) {
        this(config, compose, services, environment, defaults, ProjectFiles.NONE);
    }

    public static PlanRequest ofConfig(SourceFile config) {
        return new PlanRequest(config, null, List.of(), Map.of(), Defaults.STANDARD);
    }

    public static PlanRequest ofCompose(SourceFile compose, Map<String, String> environment) {
        return new PlanRequest(null, compose, List.of(), environment, Defaults.STANDARD);
    }

    public PlanRequest withServices(List<String> selected) {
        return new PlanRequest(config, compose, selected, environment, defaults, files, overrides);
    }

    public PlanRequest withDefaults(Defaults values) {
        return new PlanRequest(config, compose, services, environment, values, files, overrides);
    }
}
