package dev.bakery.core.internal.resolve;

import dev.bakery.core.Arch;
import dev.bakery.core.ImageReference;
import dev.bakery.core.IndexFormat;
import dev.bakery.core.KanikoOptions;
import dev.bakery.core.Platform;
import dev.bakery.core.Resources;
import dev.bakery.core.SecretMount;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.List;
import java.util.Map;

/**
 * One task's settings after merging and reading, before ids, destinations and secret references
 * are assigned across the whole plan.
 */
record TaskDraft(Arch arch, String variant, Platform platform, Resources resources, int timeoutSeconds,
        boolean spot, Map<String, String> env, String preScript, String postScript, KanikoOptions kaniko,
        List<CredentialSpec> credentials, List<CredentialSpec> imagePullCredentials, List<SecretMount> secrets,
        ImageReference destination, List<String> tags, IndexFormat indexFormat, YamlNode.Mapping source) {

    /**
     * A registry login as written: an inline password (to be split off) or a secret reference.
     *
     * @param path key path of the entry, e.g. {@code bake[1].kaniko-credentials[0]}
     */
    record CredentialSpec(String registry, String username, String password, String secret, String path) {
    }
}
