package dev.bakery.core.internal.resolve;

import dev.bakery.core.Arch;
import dev.bakery.core.CacheOptions;
import dev.bakery.core.Defaults;
import dev.bakery.core.ImageReference;
import dev.bakery.core.IndexFormat;
import dev.bakery.core.KanikoOptions;
import dev.bakery.core.Platform;
import dev.bakery.core.Resources;
import dev.bakery.core.SecretMount;
import dev.bakery.core.UnsafePathException;
import dev.bakery.core.WorkspacePaths;
import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.resolve.TaskDraft.CredentialSpec;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.yaml.YamlNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads one task's merged settings block into a {@link TaskDraft}, reporting every bad value. */
final class TaskReader {

    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Values values;
    private final Defaults defaults;

    TaskReader(Problems problems, Defaults defaults) {
        this.values = new Values(problems);
        this.defaults = defaults;
    }

    /** Null when the block has errors that leave no task to describe (missing or unknown arch). */
    TaskDraft read(YamlNode.Mapping block) {
        ArchVariant arch = values.parsed(block, "arch", TaskReader::archVariant);
        if (arch == null && Values.at(block, "arch") == null) {
            values.error(block, "missing arch: set arch (amd64 or arm64) here or in global");
        }
        Platform platform = platformOf(block);
        Resources resources = resources(block, platform);
        int timeout = timeout(block);
        boolean spot = values.bool(block, "spot").orElse(false);

        Map<String, String> env = new LinkedHashMap<>(values.stringMap(block, "env"));
        YamlNode.Mapping kanikoBlock = Values.object(block, "kaniko");
        // kaniko.env comes from the original Bakery's example config, whose comment says it merges into env.
        env.putAll(values.stringMap(kanikoBlock, "env"));
        checkNames(block, "env", env);

        KanikoOptions kaniko = kaniko(kanikoBlock);
        List<CredentialSpec> credentials = credentials(block, "kaniko-credentials");
        List<CredentialSpec> pull = credentials(Values.object(kanikoBlock, "image"), "secret");
        if (platform == Platform.ECS) {
            warnK8sOnly(kanikoBlock, "container-name");
            warnK8sOnly(Values.object(kanikoBlock, "image"), "secret");
        }
        ImageReference destination = values.parsed(kanikoBlock, "destination", TaskReader::destination);
        IndexFormat format = values.parsed(block, "index-format", text -> Values.keyed(IndexFormat::fromKey, text));
        if (arch == null || resources == null) {
            return null;
        }
        return new TaskDraft(arch.arch(), arch.variant(), platform, resources, timeout, spot, env,
                script(block, "pre-script"), script(block, "post-script"), kaniko, credentials, pull,
                secrets(block), destination, values.stringList(kanikoBlock, "tags"),
                format == null ? IndexFormat.OCI : format, block);
    }

    static ImageReference destination(String text) throws InvalidValueException {
        ImageReference ref = ImageReference.parse(text.trim());
        if (ref.hasDigest()) {
            throw new InvalidValueException("a destination cannot be a digest (" + text.trim() + "): name a tag instead");
        }
        // Said out loud in the plan, so what the user reads is what gets pushed.
        return ref.tag().isPresent() ? ref : ref.withTag("latest");
    }

    private record ArchVariant(Arch arch, String variant) {
    }

    /** {@code arm64}, {@code arm64/v8} or {@code linux/arm64/v8}: config arch and compose platforms alike. */
    private static ArchVariant archVariant(String text) throws InvalidValueException {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
        boolean withOs = parts.length == 3 || parts.length == 2 && !parts[1].matches("v[0-9]+");
        if (parts.length > 3 || Arrays.stream(parts).anyMatch(p -> !p.matches("[a-z0-9_]+"))) {
            throw new InvalidValueException("invalid platform \"" + text + "\" (use e.g. amd64, arm64 or linux/arm64/v8)");
        }
        if (withOs && !parts[0].equals("linux")) {
            throw new InvalidValueException("unsupported platform \"" + text + "\": only linux images can be built");
        }
        String archName = withOs ? parts[1] : parts[0];
        String variant = parts.length == 3 ? parts[2] : parts.length == 2 && !withOs ? parts[1] : null;
        Arch arch = switch (archName) {
            case "amd64" -> Arch.AMD64;
            case "arm64" -> Arch.ARM64;
            case "x86_64" -> throw new InvalidValueException("unknown arch \"" + text + "\": did you mean \"amd64\"?");
            case "aarch64" -> throw new InvalidValueException("unknown arch \"" + text + "\": did you mean \"arm64\"?");
            default -> throw new InvalidValueException("unknown arch \"" + text + "\" (use amd64 or arm64)");
        };
        if (variant != null && !variant.matches("v[0-9]+")) {
            throw new InvalidValueException("invalid variant \"" + variant + "\" in \"" + text + "\" (use e.g. v8)");
        }
        return new ArchVariant(arch, variant);
    }

    private Platform platformOf(YamlNode.Mapping block) {
        Platform platform = values.parsed(block, "platform", text -> Values.keyed(Platform::fromKey, text));
        return platform == null ? Platform.ECS : platform;
    }

    private Resources resources(YamlNode.Mapping block, Platform platform) {
        Integer cpu = values.parsed(block, "cpu", FargateSizing::parseCpu);
        Integer memory = values.parsed(block, "memory", FargateSizing::parseMemory);
        if (Values.at(block, "cpu") != null && cpu == null || Values.at(block, "memory") != null && memory == null) {
            return null;
        }
        Resources requested = new Resources(cpu == null ? defaults.resources().milliCpu() : cpu,
                memory == null ? defaults.resources().memoryMiB() : memory);
        if (platform == Platform.K8S) {
            return requested;
        }
        try {
            Resources rounded = FargateSizing.roundUp(requested);
            YamlNode memoryNode = Values.at(block, "memory");
            FargateSizing.costlyRoundUp(requested, rounded)
                    .ifPresent(warning -> values.warn(memoryNode != null ? memoryNode : block, warning));
            return rounded;
        } catch (InvalidValueException e) {
            YamlNode at = Values.at(block, "memory") != null && requested.milliCpu() <= 16_000
                    ? Values.at(block, "memory")
                    : Values.at(block, "cpu") != null ? Values.at(block, "cpu") : block;
            values.error(at, e.getMessage());
            return null;
        }
    }

    private int timeout(YamlNode.Mapping block) {
        Duration timeout = values.parsed(block, "timeout", text -> {
            Duration d = GoDuration.parse(text);
            if (d.isZero() || d.toSeconds() > dev.bakery.core.BuildTask.MAX_TIMEOUT_SECONDS) {
                throw new InvalidValueException("timeout must be between 1s and 24h, not " + text);
            }
            return d;
        });
        return timeout == null ? defaults.timeoutSeconds() : Math.toIntExact(ceilSeconds(timeout));
    }

    private static long ceilSeconds(Duration d) {
        return d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
    }

    private String script(YamlNode.Mapping block, String key) {
        String script = values.string(block, key);
        return script == null || script.isBlank() ? null : script;
    }

    private KanikoOptions kaniko(YamlNode.Mapping k) {
        String contextPath = values.parsed(k, "context-path", TaskReader::contextPath);
        String context = contextPath == null ? "." : contextPath;
        String dockerfile = values.parsed(k, "dockerfile", text -> dockerfile(context, text));
        String snapshotMode = values.parsed(k, "snapshot-mode", text -> {
            if (!List.of("full", "redo", "time").contains(text)) {
                throw new InvalidValueException("unknown snapshot-mode \"" + text + "\" (use full, redo or time)");
            }
            return text;
        });
        String customPlatform = values.parsed(k, "custom-platform", text -> {
            archVariant(text);
            return text;
        });
        Map<String, String> buildArgs = values.stringMap(k, "build-args");
        checkNames(k, "build-args", buildArgs);
        List<String> extraFlags = values.parsed(k, "extra-flags", text -> {
            List<String> flags = ShellWords.split(text);
            for (String flag : flags) {
                checked(flag, () -> WorkspacePaths.extraFlag("extra-flags", flag));
            }
            return flags;
        });
        String target = values.string(k, "target");
        return new KanikoOptions(context, dockerfile == null ? "Dockerfile" : dockerfile,
                buildArgs, cache(Values.object(k, "cache")), snapshotMode, values.bool(k, "use-new-run").orElse(false),
                values.bool(k, "cleanup").orElse(false), customPlatform, target == null || target.isBlank() ? null : target,
                values.stringMap(k, "labels"), values.bool(k, "no-push").orElse(false), ignorePaths(k),
                extraFlags, values.string(k, "container-name"));
    }

    private CacheOptions cache(YamlNode.Mapping c) {
        String ttl = values.parsed(c, "ttl", text -> {
            Duration d = GoDuration.parse(text);
            if (d.isZero()) {
                throw new InvalidValueException("cache ttl must be longer than 0s");
            }
            return GoDuration.format(d);
        });
        String repo = values.string(c, "repo");
        return new CacheOptions(values.bool(c, "enable").orElse(false), repo == null || repo.isBlank() ? null : repo, ttl,
                values.bool(c, "copy-layers").orElse(false), values.bool(c, "run-layers").orElse(null),
                values.bool(c, "compressed").orElse(null));
    }

    /**
     * Relative to the workspace (the unpacked repository). The original Bakery's examples write
     * {@code /workspace/src}, so that prefix is accepted and dropped.
     */
    static String contextPath(String text) throws InvalidValueException {
        String path = text.trim();
        if (path.equals("/workspace") || path.startsWith("/workspace/")) {
            path = path.substring("/workspace".length());
        } else if (path.startsWith("/")) {
            throw new InvalidValueException("context path \"" + text + "\" must be relative to the repository (or under /workspace)");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new InvalidValueException("context path \"" + text + "\" leaves the repository");
                }
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        String clean = parts.isEmpty() ? "." : String.join("/", parts);
        checked(text, () -> WorkspacePaths.contextPath(clean));
        return clean;
    }

    /**
     * Relative to the context; the original's absolute form {@code /workspace/...} names a file of the
     * repository and becomes relative to the context too, since the agent unpacks elsewhere.
     */
    static String dockerfile(String contextPath, String text) throws InvalidValueException {
        if (text.isBlank()) {
            throw new InvalidValueException("dockerfile cannot be empty (leave it out for Dockerfile)");
        }
        String dockerfile = text;
        if (text.startsWith("/workspace/")) {
            String inRepository = WorkspacePaths.clean(text.substring("/workspace/".length()));
            dockerfile = Path.of(contextPath.equals(".") ? "" : contextPath).relativize(Path.of(inRepository)).toString();
        }
        String relative = dockerfile;
        checked(text, () -> WorkspacePaths.dockerfile(contextPath, relative));
        return dockerfile;
    }

    private List<String> ignorePaths(YamlNode.Mapping k) {
        List<String> out = new ArrayList<>();
        if (Values.at(k, "ignore-path") instanceof YamlNode.Sequence paths) {
            for (YamlNode item : paths.items()) {
                if (item instanceof YamlNode.Scalar s && !s.isNull()) {
                    try {
                        WorkspacePaths.ignorePath("ignore-path", s.value());
                        out.add(s.value());
                    } catch (UnsafePathException e) {
                        values.error(s, "\"" + s.value() + "\" " + e.rule());
                    }
                }
            }
        }
        return out;
    }

    /** A rule of {@link WorkspacePaths} as a config error: the key is shown already, so value and rule. */
    private static void checked(String value, Runnable rule) throws InvalidValueException {
        try {
            rule.run();
        } catch (UnsafePathException e) {
            throw new InvalidValueException("\"" + value + "\" " + e.rule());
        }
    }

    private List<CredentialSpec> credentials(YamlNode.Mapping block, String key) {
        List<CredentialSpec> out = new ArrayList<>();
        for (YamlNode.Mapping entry : values.objects(block, key)) {
            String registry = values.string(entry, "registry");
            String username = values.string(entry, "username");
            String password = values.string(entry, "password");
            String secret = values.string(entry, "secret");
            if (registry == null || registry.isBlank()) {
                values.error(entry, "missing registry (e.g. registry: registry.example.com)");
            } else if (password != null && secret != null) {
                values.error(Values.at(entry, "secret"), "give either password or secret, not both");
            } else if (password == null && secret == null) {
                values.error(entry, "missing password or secret (a Secrets Manager name or ARN) for " + registry);
            } else if (password != null && (username == null || username.isBlank())) {
                values.error(entry, "missing username for " + registry);
            } else {
                out.add(new CredentialSpec(registry.trim(), username, password, secret, entry.path()));
            }
        }
        return out;
    }

    private List<SecretMount> secrets(YamlNode.Mapping block) {
        List<SecretMount> out = new ArrayList<>();
        Map<String, YamlNode> seen = new LinkedHashMap<>();
        for (YamlNode.Mapping entry : values.objects(block, "secrets")) {
            String id = values.string(entry, "id");
            String secret = values.string(entry, "secret");
            if (id == null) {
                values.error(entry, "missing id (the id of RUN --mount=type=secret,id=...)");
            } else if (secretIdRule(id) != null) {
                values.error(Values.at(entry, "id"), "\"" + id + "\" " + secretIdRule(id));
            } else if (secret == null || secret.isBlank()) {
                values.error(entry, "missing secret (a Secrets Manager name or ARN) for id " + id);
            } else if (seen.putIfAbsent(id, entry) != null) {
                values.error(Values.at(entry, "id"), "secret id \"" + id + "\" appears twice");
            } else {
                out.add(new SecretMount(id, secret));
            }
        }
        return out;
    }

    /** The rule a secret id breaks, or null. */
    private static String secretIdRule(String id) {
        try {
            WorkspacePaths.secretId(id);
            return null;
        } catch (UnsafePathException e) {
            return e.rule();
        }
    }

    private void checkNames(YamlNode.Mapping block, String key, Map<String, String> map) {
        for (String name : map.keySet()) {
            if (!ARG_NAME.matcher(name).matches()) {
                YamlNode at = Values.at(block, key);
                values.error(at instanceof YamlNode.Mapping m && m.get(name) != null ? m.get(name) : block,
                        "invalid name \"" + name + "\" in " + key + " (letters, digits and _, not starting with a digit)");
            }
        }
    }

    private void warnK8sOnly(YamlNode.Mapping block, String key) {
        YamlNode node = Values.at(block, key);
        if (node != null) {
            values.warn(node, "applies to platform k8s only; ignored on ecs");
        }
    }
}
