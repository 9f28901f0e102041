package dev.bakery.core.internal.compose;

import dev.bakery.core.SourceFile;
import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.spec.Layers;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.spec.Schema;
import dev.bakery.core.internal.yaml.YamlLoader;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The build part of a compose file, turned into settings blocks: each selected service becomes a
 * block in config.yaml terms ({@code kaniko.context-path}, {@code kaniko.build-args},
 * {@code kaniko.destination}, ...) plus its {@code x-bake} settings, and the platforms to build.
 * Variables are interpolated in the selected services only, so an unrelated service's required
 * variable does not stop a build.
 */
public final class ComposeFile {

    /** Compose {@code build} keys we turn into builder settings; any other is reported as ignored. */
    private static final Set<String> BUILD_KEYS = Set.of("context", "dockerfile", "args", "target", "labels", "tags",
            "platforms", "x-bake");

    /**
     * @param name      service name
     * @param settings  the service's settings block
     * @param platforms the platforms to build, each one node (e.g. {@code linux/arm64/v8}); empty for the default
     * @param node      the service, for errors about it
     */
    public record Service(String name, YamlNode.Mapping settings, List<YamlNode> platforms, YamlNode.Mapping node) {
    }

    private final SourceFile file;
    private final Function<String, String> environment;
    private final Problems problems;

    private ComposeFile(SourceFile file, Function<String, String> environment, Problems problems) {
        this.file = file;
        this.environment = environment;
        this.problems = problems;
    }

    /** The selected services (all with a {@code build} section when none are named), in order. */
    public static List<Service> read(SourceFile file, List<String> selected, Map<String, String> environment,
            Problems problems) {
        return new ComposeFile(file, environment::get, problems).services(selected);
    }

    private List<Service> services(List<String> selected) {
        YamlNode root = YamlLoader.load(file.name(), file.text());
        if (!(root instanceof YamlNode.Mapping doc)) {
            problems.error(root, "a compose file is a map with services, found " + root.kind());
            return List.of();
        }
        YamlNode servicesNode = doc.get("services");
        if (!YamlNode.isUnset(servicesNode) && !(servicesNode instanceof YamlNode.Mapping)) {
            problems.error(servicesNode, "expected a map of service names to services, found " + servicesNode.kind());
            return List.of();
        }
        if (!(servicesNode instanceof YamlNode.Mapping services) || services.entries().isEmpty()) {
            problems.error(servicesNode == null ? root : servicesNode, "no services: a compose file lists them under services:");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (selected.isEmpty()) {
            services.entries().forEach((name, node) -> {
                if (node instanceof YamlNode.Mapping m && m.get("build") != null) {
                    names.add(name);
                }
            });
            if (names.isEmpty()) {
                problems.error(services, "no service has a build section, so there is nothing to build");
            }
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String name : selected) {
                if (!seen.add(name)) {
                    problems.error(services, "service \"" + name + "\" is selected twice");
                } else if (services.get(name) == null) {
                    problems.error(services, "unknown service \"" + name + "\" (available: "
                            + String.join(", ", services.entries().keySet()) + ")");
                } else {
                    names.add(name);
                }
            }
        }
        List<Service> out = new ArrayList<>();
        for (String name : names) {
            YamlNode node = services.get(name);
            if (!(node instanceof YamlNode.Mapping service)) {
                problems.error(node, "expected a map describing the service, found " + node.kind());
                continue;
            }
            Service s = service(name, (YamlNode.Mapping) interpolate(service));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private Service service(String name, YamlNode.Mapping service) {
        YamlNode build = service.get("build");
        YamlNode.Mapping buildMap;
        if (build instanceof YamlNode.Scalar s && !s.isNull()) {
            buildMap = new YamlNode.Mapping(s.path(), s.location(), Map.of("context", s)); // build: ./dir
        } else if (build instanceof YamlNode.Mapping m) {
            buildMap = m;
        } else if (!YamlNode.isUnset(build)) {
            problems.error(build, "expected a directory or a map with context, dockerfile, args, ..., found " + build.kind());
            return null;
        } else {
            problems.error(build == null ? service : build, "service \"" + name + "\" has no build section");
            return null;
        }
        buildMap.entries().forEach((key, value) -> {
            if (!BUILD_KEYS.contains(key)) {
                problems.warn(value, "ignored: bakery does not support compose build." + key);
            }
        });

        Map<String, YamlNode> kaniko = new LinkedHashMap<>();
        YamlNode context = buildMap.get("context");
        String contextText = context instanceof YamlNode.Scalar s && !s.isNull() ? s.value() : ".";
        if (contextText.contains("://") || contextText.startsWith("git@")) {
            problems.error(context, "remote build contexts are not supported: use a directory of the repository");
        }
        // An absolute context is a path on the user's machine: prefixing it would silently build
        // <directory>/<path>, so it stays absolute and the context-path check rejects it.
        String relative = file.directory().isEmpty() || contextText.startsWith("/") ? contextText
                : file.directory() + "/" + contextText;
        YamlNode at = context == null ? buildMap : context;
        kaniko.put("context-path", new YamlNode.Scalar(at.path(), at.location(), relative, false));
        copy(buildMap, "dockerfile", kaniko, "dockerfile");
        copy(buildMap, "target", kaniko, "target");
        copy(buildMap, "tags", kaniko, "tags");
        putPairs(buildMap.get("args"), kaniko, "build-args", true);
        putPairs(buildMap.get("labels"), kaniko, "labels", false);
        copy(service, "image", kaniko, "destination");

        Map<String, YamlNode> settings = new LinkedHashMap<>();
        settings.put("kaniko", new YamlNode.Mapping(buildMap.path(), buildMap.location(), kaniko));
        YamlNode.Mapping layer = new YamlNode.Mapping(service.path(), service.location(), settings);
        Layers.check(layer, Schema.SETTINGS, problems);

        List<YamlNode> platforms = platforms(buildMap.get("platforms"));
        YamlNode xbake = buildMap.get("x-bake");
        if (xbake instanceof YamlNode.Mapping x) {
            Map<String, YamlNode> own = new LinkedHashMap<>(x.entries());
            YamlNode xPlatforms = own.remove("platforms");
            YamlNode.Mapping xSettings = new YamlNode.Mapping(x.path(), x.location(), own, x.keys());
            Layers.check(xSettings, Schema.SETTINGS, problems);
            layer = Layers.merge(layer, xSettings, Schema.SETTINGS);
            if (xPlatforms != null) {
                platforms = platforms(xPlatforms);
            }
        } else if (!YamlNode.isUnset(xbake)) {
            problems.error(xbake, "expected a map (x-bake: {platforms: [...]}), found " + xbake.kind());
        }
        YamlNode servicePlatform = service.get("platform");
        if (platforms.isEmpty() && YamlNode.isUnset(layer.get("arch"))
                && servicePlatform instanceof YamlNode.Scalar p && !p.isNull()) {
            // Compose builds for the service's platform when build names none (x-bake's own arch still
            // wins); the default arch would silently give an image of the wrong architecture.
            platforms = List.of(p);
        }
        return new Service(name, layer, platforms, service);
    }

    private List<YamlNode> platforms(YamlNode node) {
        if (node == null || YamlNode.isUnset(node)) {
            return List.of();
        }
        if (node instanceof YamlNode.Sequence seq) {
            return seq.items();
        }
        problems.error(node, "expected a list of platforms such as [linux/amd64, linux/arm64], found " + node.kind());
        return List.of();
    }

    private static void copy(YamlNode.Mapping from, String key, Map<String, YamlNode> to, String as) {
        YamlNode value = from.get(key);
        if (value != null && !YamlNode.isUnset(value)) {
            to.put(as, value);
        }
    }

    /**
     * Compose's two spellings of args and labels: a map, or a list of {@code KEY=VALUE}. For args, a
     * key without a value takes the variable of that name from the environment, or is left out.
     */
    private void putPairs(YamlNode node, Map<String, YamlNode> to, String as, boolean fromEnvironment) {
        if (node == null || YamlNode.isUnset(node)) {
            return;
        }
        Map<String, YamlNode> pairs = new LinkedHashMap<>();
        if (node instanceof YamlNode.Mapping m) {
            m.entries().forEach((key, value) -> addPair(pairs, key, value, value instanceof YamlNode.Scalar s && s.isNull(),
                    fromEnvironment));
        } else if (node instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                    problems.error(item, "expected KEY=VALUE, found " + item.kind());
                    continue;
                }
                int eq = s.value().indexOf('=');
                String key = eq < 0 ? s.value() : s.value().substring(0, eq);
                YamlNode value = eq < 0 ? s : new YamlNode.Scalar(s.path(), s.location(), s.value().substring(eq + 1), false);
                addPair(pairs, key.trim(), value, eq < 0, fromEnvironment);
            }
        } else {
            problems.error(node, "expected a map or a list of KEY=VALUE, found " + node.kind());
            return;
        }
        to.put(as, new YamlNode.Mapping(node.path(), node.location(), pairs));
    }

    private void addPair(Map<String, YamlNode> pairs, String key, YamlNode value, boolean valueless,
            boolean fromEnvironment) {
        if (!valueless) {
            pairs.put(key, value);
        } else if (fromEnvironment) {
            String fromEnv = environment.apply(key);
            if (fromEnv != null) {
                pairs.put(key, new YamlNode.Scalar(value.path(), value.location(), fromEnv, false));
            }
        } else {
            pairs.put(key, new YamlNode.Scalar(value.path(), value.location(), "", false));
        }
    }

    /** Compose interpolates values, not keys; a value that came from a variable is a string, never null. */
    private YamlNode interpolate(YamlNode node) {
        return switch (node) {
            case YamlNode.Scalar s -> {
                if (!s.value().contains("$")) {
                    yield s;
                }
                try {
                    yield new YamlNode.Scalar(s.path(), s.location(), Interpolator.interpolate(s.value(), environment), false);
                } catch (InvalidValueException e) {
                    problems.error(s, e.getMessage());
                    yield s;
                }
            }
            case YamlNode.Sequence seq -> new YamlNode.Sequence(seq.path(), seq.location(),
                    seq.items().stream().map(this::interpolate).toList());
            case YamlNode.Mapping m -> {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                m.entries().forEach((k, v) -> entries.put(k, interpolate(v)));
                yield new YamlNode.Mapping(m.path(), m.location(), entries, m.keys());
            }
        };
    }
}
