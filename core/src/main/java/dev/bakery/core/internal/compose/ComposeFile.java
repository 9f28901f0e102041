package dev.bakery.core.internal.compose;

import dev.bakery.core.Problem;
import dev.bakery.core.ProjectFiles;
import dev.bakery.core.SourceFile;
import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.spec.Layers;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.spec.Schema;
import dev.bakery.core.internal.yaml.YamlLoader;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The build part of a compose file, turned into settings blocks: each selected service becomes a
 * block in config.yaml terms ({@code kaniko.context-path}, {@code kaniko.build-args},
 * {@code kaniko.destination}, ...) plus its {@code x-bake} settings, and the platforms to build.
 * Variables are interpolated in the selected services only, so an unrelated service's required
 * variable does not stop a build. As in Compose, variables come from the environment, then from the
 * {@code .env} file of the compose file's directory; {@code include:}d files bring their services,
 * each resolved against its own directory and {@code .env}.
 */
public final class ComposeFile {

    /** Compose {@code build} keys we turn into builder settings. */
    private static final Set<String> BUILD_KEYS = Set.of("context", "dockerfile", "args", "target", "labels", "tags",
            "platforms", "x-bake");

    /**
     * compose-spec {@code build} keys Kaniko cannot honour but whose absence leaves the image's content as
     * written: ignored with a warning saying why.
     */
    private static final Map<String, String> IGNORED_BUILD_KEYS = Map.ofEntries(
            Map.entry("cache_from", "Kaniko caches in a registry repository: set x-bake.kaniko.cache"),
            Map.entry("cache_to", "Kaniko caches in a registry repository: set x-bake.kaniko.cache"),
            Map.entry("no_cache", "the cache is off unless x-bake.kaniko.cache.enable is true"),
            Map.entry("pull", "Kaniko always pulls base images from their registry"),
            Map.entry("network", "the build runs in its task's network"),
            Map.entry("extra_hosts", "the build runs in its task's network"),
            Map.entry("isolation", "the build runs in its own task"),
            Map.entry("shm_size", "the task's memory setting sizes the build"),
            Map.entry("ulimits", "the task's limits apply"),
            Map.entry("provenance", "Kaniko writes no attestations"),
            Map.entry("sbom", "Kaniko writes no attestations"),
            Map.entry("privileged", "builds never run privileged"),
            Map.entry("entitlements", "builds never run privileged"));

    /** compose-spec {@code build} keys that change what is built and that Kaniko cannot honour: errors. */
    private static final Map<String, String> REFUSED_BUILD_KEYS = Map.of(
            "dockerfile_inline", "the Dockerfile must be a file in the build context: write it to one and set dockerfile",
            "additional_contexts", "Kaniko has one build context per build",
            "secrets", "build secrets come from Secrets Manager: use x-bake.secrets: [{id, secret}]",
            "ssh", "Kaniko cannot forward an SSH agent",
            "no_cache_filter", "Kaniko cannot skip its cache for single stages");

    /** buildx's own {@code x-bake} keys; settings keys ({@code cpu}, {@code kaniko}, ...) are ours. */
    private static final Set<String> XBAKE_KEYS = Set.of("platforms", "tags");

    /** buildx {@code x-bake} keys a Kaniko build cannot honour, each with why. */
    private static final Map<String, String> REFUSED_XBAKE_KEYS = Map.of(
            "cache-from", "Kaniko caches in a registry repository: set x-bake.kaniko.cache (enable, repo)",
            "cache-to", "Kaniko caches in a registry repository: set x-bake.kaniko.cache (enable, repo)",
            "secret", "build secrets come from Secrets Manager: use x-bake.secrets: [{id, secret}]",
            "ssh", "Kaniko cannot forward an SSH agent",
            "output", "the image is pushed to its destination (image:); there is no other output",
            "pull", "Kaniko always pulls base images from their registry",
            "no-cache", "the cache is off unless x-bake.kaniko.cache.enable is true",
            "no-cache-filter", "Kaniko cannot skip its cache for single stages",
            "contexts", "Kaniko has one build context per build");

    private static final String DOT_ENV = ".env";

    /**
     * @param name      service name
     * @param settings  the service's settings block
     * @param platforms the platforms to build, each one node (e.g. {@code linux/arm64/v8}); empty for the default
     * @param node      the service, for errors about it
     */
    public record Service(String name, YamlNode.Mapping settings, List<YamlNode> platforms, YamlNode.Mapping node) {
    }

    /** A service as written, and the file (hence directory and variables) it belongs to. */
    private record Candidate(YamlNode node, ComposeFile owner) {
    }

    private final SourceFile file;
    private final Function<String, String> environment;
    private final Problems problems;
    private final ProjectFiles files;

    private ComposeFile(SourceFile file, Function<String, String> environment, Problems problems, ProjectFiles files) {
        this.file = file;
        this.environment = environment;
        this.problems = problems;
        this.files = files;
    }

    /** The selected services (all with a {@code build} section when none are named), in order. */
    public static List<Service> read(SourceFile file, List<String> selected, Map<String, String> environment,
            ProjectFiles files, Problems problems) {
        Function<String, String> variables = withDotEnv(environment::get, file.directory(), Optional.empty(), files,
                problems, file.name());
        return new ComposeFile(file, variables, problems, files).services(selected);
    }

    /**
     * The environment, then (for names it lacks) the project's env file: {@code .env} in the project
     * directory unless an include names another.
     */
    private static Function<String, String> withDotEnv(Function<String, String> environment, String directory,
            Optional<YamlNode> envFile, ProjectFiles files, Problems problems, String origin) {
        String path = envFile.map(n -> ((YamlNode.Scalar) n).value()).map(p -> join(directory, p))
                .orElse(join(directory, DOT_ENV));
        Optional<String> text = files.read(path);
        if (text.isEmpty()) {
            envFile.ifPresent(n -> problems.error(n, "env file " + path + " does not exist"));
            return environment;
        }
        try {
            Map<String, String> values = DotEnv.parse(text.get(), environment);
            return name -> {
                String value = environment.apply(name);
                return value != null ? value : values.get(name);
            };
        } catch (InvalidValueException e) {
            problems.error(new Problem(path, "", 0, 0, e.getMessage() + " (read for " + origin + ")"));
            return environment;
        }
    }

    private List<Service> services(List<String> selected) {
        Map<String, Candidate> services = new LinkedHashMap<>();
        YamlNode.Mapping servicesNode = collect(services, new HashSet<>(Set.of(file.name())));
        if (servicesNode == null) {
            return List.of();
        }
        if (services.isEmpty()) {
            problems.error(servicesNode, "no services: a compose file lists them under services:");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (selected.isEmpty()) {
            services.forEach((name, candidate) -> {
                if (candidate.node() instanceof YamlNode.Mapping m && m.get("build") != null) {
                    names.add(name);
                }
            });
            if (names.isEmpty()) {
                problems.error(servicesNode, "no service has a build section, so there is nothing to build");
            }
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String name : selected) {
                if (!seen.add(name)) {
                    problems.error(servicesNode, "service \"" + name + "\" is selected twice");
                } else if (!services.containsKey(name)) {
                    problems.error(servicesNode, "unknown service \"" + name + "\" (available: "
                            + String.join(", ", services.keySet()) + ")");
                } else {
                    names.add(name);
                }
            }
        }
        List<Service> out = new ArrayList<>();
        for (String name : names) {
            Candidate candidate = services.get(name);
            if (!(candidate.node() instanceof YamlNode.Mapping service)) {
                problems.error(candidate.node(), "expected a map describing the service, found " + candidate.node().kind());
                continue;
            }
            ComposeFile owner = candidate.owner();
            Service s = owner.service(name, (YamlNode.Mapping) owner.interpolate(service));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Adds this file's services and those of the files it includes to {@code into}; returns the node
     * to report "no services" at, or null when the file is not a compose file at all (reported).
     */
    private YamlNode.Mapping collect(Map<String, Candidate> into, Set<String> including) {
        YamlNode root = YamlLoader.load(file.name(), file.text());
        if (!(root instanceof YamlNode.Mapping doc)) {
            problems.error(root, "a compose file is a map with services, found " + root.kind());
            return null;
        }
        YamlNode servicesNode = doc.get("services");
        if (!YamlNode.isUnset(servicesNode) && !(servicesNode instanceof YamlNode.Mapping)) {
            problems.error(servicesNode, "expected a map of service names to services, found " + servicesNode.kind());
            return null;
        }
        if (servicesNode instanceof YamlNode.Mapping own) {
            own.entries().forEach((name, node) -> into.put(name, new Candidate(node, this)));
        }
        include(doc.get("include"), into, including);
        return servicesNode instanceof YamlNode.Mapping m ? m : doc;
    }

    /**
     * compose-spec {@code include}: each entry a path or {@code {path, project_directory, env_file}};
     * relative paths are the including file's; a service defined twice differently is an error.
     */
    private void include(YamlNode node, Map<String, Candidate> into, Set<String> including) {
        if (YamlNode.isUnset(node)) {
            return;
        }
        if (!(node instanceof YamlNode.Sequence entries)) {
            problems.error(node, "expected a list of compose files to include, found " + node.kind());
            return;
        }
        for (YamlNode entry : entries.items()) {
            List<YamlNode> paths = new ArrayList<>();
            YamlNode projectDirectory = null;
            Optional<YamlNode> envFile = Optional.empty();
            if (entry instanceof YamlNode.Scalar s && !s.isNull()) {
                paths.add(s);
            } else if (entry instanceof YamlNode.Mapping m) {
                m.entries().forEach((key, value) -> {
                    if (!Set.of("path", "project_directory", "env_file").contains(key)) {
                        problems.keyError(m, key, "unknown include key \"" + key + "\" (use path, project_directory, env_file)");
                    }
                });
                paths.addAll(scalars(m.get("path")));
                projectDirectory = m.get("project_directory") instanceof YamlNode.Scalar d && !d.isNull() ? d : null;
                List<YamlNode> envFiles = scalars(m.get("env_file"));
                if (envFiles.size() > 1) {
                    problems.error(m.get("env_file"), "bakery reads one env file per include: give one");
                }
                envFile = envFiles.stream().findFirst();
                if (paths.isEmpty()) {
                    problems.error(m, "an include needs a path");
                }
            } else {
                problems.error(entry, "expected a compose file's path or {path, project_directory, env_file}, found "
                        + entry.kind());
            }
            if (paths.size() > 1) {
                problems.error(paths.get(1), "bakery includes one compose file per entry (no override files): list each"
                        + " as its own entry");
            }
            if (!paths.isEmpty()) {
                includeOne(paths.getFirst(), projectDirectory, envFile, into, including);
            }
        }
    }

    private void includeOne(YamlNode pathNode, YamlNode projectDirectory, Optional<YamlNode> envFile,
            Map<String, Candidate> into, Set<String> including) {
        String path = inRepository(pathNode, ((YamlNode.Scalar) pathNode).value());
        if (path == null) {
            return;
        }
        if (!including.add(path)) {
            problems.error(pathNode, "include cycle: " + path + " includes itself");
            return;
        }
        Optional<String> text = files.read(path);
        if (text.isEmpty()) {
            problems.error(pathNode, "included compose file " + path + " does not exist");
            return;
        }
        String directory = projectDirectory == null ? parent(path)
                : inRepository(projectDirectory, ((YamlNode.Scalar) projectDirectory).value());
        if (directory == null) {
            return;
        }
        Function<String, String> variables = withDotEnv(environment, envFile.isPresent() ? file.directory() : directory,
                envFile, files, problems, path);
        Map<String, Candidate> imported = new LinkedHashMap<>();
        new ComposeFile(new SourceFile(path, text.get(), directory), variables, problems, files)
                .collect(imported, including);
        imported.forEach((name, candidate) -> {
            Candidate existing = into.get(name);
            if (existing == null) {
                into.put(name, candidate);
            } else if (!same(existing.node(), candidate.node())) {
                problems.error(candidate.node(), "service \"" + name + "\" is defined differently in " + path
                        + " (included) and in " + existing.node().location().file() + ": Compose refuses the conflict");
            }
        });
        including.remove(path);
    }

    /** The same definition, wherever it was written (Compose accepts a service included twice unchanged). */
    private static boolean same(YamlNode a, YamlNode b) {
        return switch (a) {
            case YamlNode.Scalar s -> b instanceof YamlNode.Scalar t && s.value().equals(t.value()) && s.isNull() == t.isNull();
            case YamlNode.Sequence s -> b instanceof YamlNode.Sequence t && s.items().size() == t.items().size()
                    && IntStream.range(0, s.items().size()).allMatch(i -> same(s.items().get(i), t.items().get(i)));
            case YamlNode.Mapping m -> b instanceof YamlNode.Mapping n && m.entries().keySet().equals(n.entries().keySet())
                    && m.entries().entrySet().stream().allMatch(e -> same(e.getValue(), n.get(e.getKey())));
        };
    }

    private static List<YamlNode> scalars(YamlNode node) {
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            return List.of(s);
        }
        if (node instanceof YamlNode.Sequence seq) {
            return seq.items().stream().filter(i -> i instanceof YamlNode.Scalar s && !s.isNull()).toList();
        }
        return List.of();
    }

    /** A path relative to this file's directory, as a repository path; null (reported) when it leaves the repository. */
    private String inRepository(YamlNode at, String given) {
        if (given.startsWith("/") || given.contains("://")) {
            problems.error(at, "\"" + given + "\" must be a relative path inside the repository (what bakery reads from)");
            return null;
        }
        String joined = join(file.directory(), given);
        if (joined.equals("..") || joined.startsWith("../")) {
            problems.error(at, "\"" + given + "\" is outside the repository");
            return null;
        }
        return joined;
    }

    /** {@code directory/relative}, cleaned of {@code .} and {@code ..} (a leading {@code ..} kept). */
    static String join(String directory, String relative) {
        List<String> parts = new ArrayList<>();
        for (String part : ((directory.isEmpty() ? "" : directory + "/") + relative).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.getLast().equals("..")) {
                parts.removeLast();
            } else {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? "" : String.join("/", parts);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
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
        checkBuildKeys(buildMap);

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

        List<YamlNode> platforms = platforms(buildMap.get("platforms"), false);
        YamlNode xbake = buildMap.get("x-bake");
        if (xbake instanceof YamlNode.Mapping x) {
            Map<String, YamlNode> own = new LinkedHashMap<>();
            x.entries().forEach((key, value) -> {
                if (REFUSED_XBAKE_KEYS.containsKey(key)) {
                    problems.keyError(x, key, "x-bake." + key + " cannot apply: " + REFUSED_XBAKE_KEYS.get(key));
                } else if (!XBAKE_KEYS.contains(key) && Schema.SETTINGS.key(key).isEmpty()) {
                    TreeSet<String> known = new TreeSet<>(XBAKE_KEYS);
                    Schema.SETTINGS.paths().stream().filter(p -> !p.contains(".")).forEach(known::add);
                    String hint = Schema.suggest(key, known).map(k -> ": did you mean \"" + k + "\"?").orElse("");
                    problems.keyError(x, key, "unknown key \"" + key + "\"" + hint);
                } else if (!XBAKE_KEYS.contains(key)) {
                    own.put(key, value);
                }
            });
            YamlNode.Mapping xSettings = new YamlNode.Mapping(x.path(), x.location(), own, x.keys());
            Layers.check(xSettings, Schema.SETTINGS, problems);
            layer = Layers.merge(layer, xSettings, Schema.SETTINGS);
            // buildx adds x-bake's platforms and tags to the build's own, without repeats.
            platforms = union(platforms, platforms(x.get("platforms"), true));
            List<YamlNode> extraTags = scalarsOf(x.get("tags"), true, "tags such as [latest, \"1.4\"]");
            if (!extraTags.isEmpty()) {
                YamlNode.Mapping kanikoLayer = (YamlNode.Mapping) layer.get("kaniko");
                Map<String, YamlNode> kanikoEntries = new LinkedHashMap<>(kanikoLayer.entries());
                YamlNode ownTags = kanikoEntries.get("tags");
                List<YamlNode> tags = union(ownTags instanceof YamlNode.Sequence seq ? seq.items() : List.of(), extraTags);
                kanikoEntries.put("tags", new YamlNode.Sequence(x.get("tags").path(), x.get("tags").location(), tags));
                Map<String, YamlNode> layerEntries = new LinkedHashMap<>(layer.entries());
                layerEntries.put("kaniko", new YamlNode.Mapping(kanikoLayer.path(), kanikoLayer.location(), kanikoEntries));
                layer = new YamlNode.Mapping(layer.path(), layer.location(), layerEntries);
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

    /** Platforms; under x-bake, as buildx reads them, one string may hold several. */
    private List<YamlNode> platforms(YamlNode node, boolean xbake) {
        List<YamlNode> out = new ArrayList<>();
        for (YamlNode item : scalarsOf(node, xbake, "platforms such as [linux/amd64, linux/arm64]")) {
            // buildx splits each platform entry at commas (platformutil.Parse)
            for (String part : ((YamlNode.Scalar) item).value().split(",")) {
                if (!part.isBlank()) {
                    out.add(new YamlNode.Scalar(item.path(), item.location(), part.strip(), false));
                }
            }
        }
        return out;
    }

    /**
     * A list's items; {@code single} accepts one string too, split at white space as buildx's x-bake
     * lists are ({@code platforms: linux/amd64 linux/arm64}).
     */
    private List<YamlNode> scalarsOf(YamlNode node, boolean single, String what) {
        if (node == null || YamlNode.isUnset(node)) {
            return List.of();
        }
        if (node instanceof YamlNode.Sequence seq) {
            return seq.items();
        }
        if (single && node instanceof YamlNode.Scalar s) {
            return Arrays.stream(s.value().trim().split("\\s+")).filter(p -> !p.isEmpty())
                    .<YamlNode>map(p -> new YamlNode.Scalar(s.path(), s.location(), p, false)).toList();
        }
        problems.error(node, "expected a list of " + what + ", found " + node.kind());
        return List.of();
    }

    /** {@code first} then what {@code second} adds, each value once. */
    private static List<YamlNode> union(List<YamlNode> first, List<YamlNode> second) {
        Map<String, YamlNode> byValue = new LinkedHashMap<>();
        for (YamlNode node : first) {
            byValue.putIfAbsent(node instanceof YamlNode.Scalar s ? s.value() : node.toString(), node);
        }
        for (YamlNode node : second) {
            byValue.putIfAbsent(node instanceof YamlNode.Scalar s ? s.value() : node.toString(), node);
        }
        return List.copyOf(byValue.values());
    }

    /**
     * The compose-spec schema allows only its own build keys and {@code x-} extensions: an unknown key
     * is an error; known keys Kaniko cannot honour are refused or ignored, each saying why.
     */
    private void checkBuildKeys(YamlNode.Mapping buildMap) {
        Set<String> known = new TreeSet<>(BUILD_KEYS);
        known.addAll(IGNORED_BUILD_KEYS.keySet());
        known.addAll(REFUSED_BUILD_KEYS.keySet());
        buildMap.entries().forEach((key, value) -> {
            if (BUILD_KEYS.contains(key) || key.startsWith("x-")) {
                return;
            }
            if (IGNORED_BUILD_KEYS.containsKey(key)) {
                problems.warn(value, "ignored: bakery does not support compose build." + key + " ("
                        + IGNORED_BUILD_KEYS.get(key) + ")");
            } else if (REFUSED_BUILD_KEYS.containsKey(key)) {
                problems.keyError(buildMap, key, "build." + key + " cannot apply: " + REFUSED_BUILD_KEYS.get(key));
            } else {
                String hint = Schema.suggest(key, known).map(k -> ": did you mean \"" + k + "\"?")
                        .orElse("");
                problems.keyError(buildMap, key, "unknown compose build key \"" + key + "\" (the compose-spec schema"
                        + " allows no other)" + hint);
            }
        });
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
                    Set<String> unset = new TreeSet<>();
                    String value = Interpolator.interpolate(s.value(), environment, unset::add);
                    unset.forEach(name -> problems.warn(s, "variable " + name + " is not set (neither in the environment"
                            + " nor in " + join(file.directory(), DOT_ENV) + "): it became an empty string"));
                    yield new YamlNode.Scalar(s.path(), s.location(), value, false);
                } catch (InvalidValueException e) {
                    problems.spoiled(s, e.getMessage());
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
