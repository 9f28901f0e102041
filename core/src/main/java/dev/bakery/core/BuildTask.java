package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bakery.core.internal.resolve.FargateSizing;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One image build for one architecture: one Fargate task or one Kubernetes Job.
 *
 * @param id                   {@code amd64}, {@code arm64}, or {@code <arch>-<n>} when an arch repeats; URL- and tag-safe
 * @param platform             where it runs
 * @param arch                 CPU architecture
 * @param variant              OCI platform variant ({@code v8}), or null
 * @param resources            on ECS a valid Fargate size (requests are rounded up); on k8s as requested
 * @param timeoutSeconds       the task is stopped after this long
 * @param spot                 run on Fargate Spot (falls back to on-demand when Spot has no capacity)
 * @param env                  environment of the build container and its scripts
 * @param preScript            {@code sh -ce} script before the build, or null
 * @param postScript           script after a successful build, or null
 * @param kaniko               builder options
 * @param destinations         where the image is pushed, first the main one; empty only with {@code noPush}
 * @param credentials          registry logins for the builder
 * @param imagePullCredentials k8s only: credentials to pull the agent image ({@code kaniko.image.secret})
 * @param secrets              {@code RUN --mount=type=secret} sources
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BuildTask(String id, Platform platform, Arch arch, String variant, Resources resources,
        int timeoutSeconds, boolean spot, Map<String, String> env, String preScript, String postScript,
        KanikoOptions kaniko, List<ImageReference> destinations, List<RegistryCredential> credentials,
        List<RegistryCredential> imagePullCredentials, List<SecretMount> secrets) {

    /** Longest task we accept; anything longer is more likely a typo than a build. */
    public static final int MAX_TIMEOUT_SECONDS = 24 * 3600;

    public BuildTask {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("invalid task id \"" + id + "\"");
        }
        if (platform == null || arch == null || resources == null || kaniko == null) {
            throw new IllegalArgumentException("task " + id + " needs platform, arch, resources and builder options");
        }
        if (variant != null && !variant.matches("v[0-9]+")) {
            throw new IllegalArgumentException("invalid variant \"" + variant + "\" for task " + id);
        }
        if (platform == Platform.ECS && !FargateSizing.isValid(resources)) {
            throw new IllegalArgumentException("task " + id + ": " + FargateSizing.describe(resources) + " is not a Fargate size");
        }
        if (timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("task " + id + ": timeout must be between 1s and 24h, not " + timeoutSeconds + "s");
        }
        env = Copies.map(env);
        destinations = Copies.list(destinations);
        credentials = Copies.list(credentials);
        imagePullCredentials = Copies.list(imagePullCredentials);
        secrets = Copies.list(secrets);
        if (destinations.isEmpty() && !kaniko.noPush()) {
            throw new IllegalArgumentException("task " + id + " pushes but has no destination");
        }
        for (ImageReference d : destinations) {
            if (d.hasDigest()) {
                throw new IllegalArgumentException("task " + id + ": cannot push to a digest: " + d);
            }
        }
        Set<String> ids = new HashSet<>();
        for (SecretMount s : secrets) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("task " + id + ": secret id \"" + s.id() + "\" appears twice");
            }
        }
    }

    /** The OCI platform string, e.g. {@code linux/arm64/v8}. */
    public String ociPlatform() {
        return "linux/" + arch.key() + (variant == null ? "" : "/" + variant);
    }
}
