package dev.bakery.core.internal.resolve;

import dev.bakery.core.Problem;
import dev.bakery.core.SetOverride;
import dev.bakery.core.internal.spec.Layers;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.spec.Schema;
import dev.bakery.core.internal.yaml.Location;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --set} values as settings blocks, one per override, each checked against the
 * {@link Schema} like a block of the files (unknown keys with the nearest known one, wrong shapes).
 * Each is merged over the blocks of the tasks its target names, in the order given, so a later
 * {@code --set} wins over an earlier one as in bake.
 */
final class Overrides {

    private static final Location WHERE = Location.nowhere("--set");

    private final Map<SetOverride, YamlNode.Mapping> blocks = new LinkedHashMap<>();
    private final Set<String> matched = new HashSet<>();
    private final Set<String> targets = new LinkedHashSet<>();
    private final Problems problems;

    Overrides(List<SetOverride> overrides, Problems problems) {
        this.problems = problems;
        for (SetOverride override : overrides) {
            YamlNode.Mapping block = block(override);
            if (block != null) {
                Layers.check(block, Schema.SETTINGS, problems);
                blocks.put(override, block);
            }
        }
    }

    /** The service-wide block (a config's global, a compose service's): where the index's destination comes from. */
    YamlNode.Mapping service(YamlNode.Mapping block, String service) {
        return apply(block, target -> target.equals("*") || target.equals(service));
    }

    /** A task's merged block; an arch target matches by the block's own arch. */
    YamlNode.Mapping task(YamlNode.Mapping block, String service, String arch) {
        targets.add(service);
        targets.add(arch);
        return apply(block, target -> target.equals("*") || target.equals(service) || target.equals(arch));
    }

    /** A task's own block (a bake entry): only an arch target makes a value the task's own. */
    YamlNode.Mapping own(YamlNode.Mapping block, String arch) {
        return apply(block, target -> target.equals(arch));
    }

    /** An override whose target named no task is a typo, not a no-op. */
    void reportUnmatched() {
        for (SetOverride override : blocks.keySet()) {
            if (!override.target().equals("*") && !matched.contains(override.target())) {
                problems.error(new Problem("--set", override.written(), 0, 0, "no build target \"" + override.target()
                        + "\" (targets: *, " + String.join(", ", targets) + ")"));
            }
        }
    }

    private YamlNode.Mapping apply(YamlNode.Mapping block, java.util.function.Predicate<String> matches) {
        YamlNode.Mapping out = block;
        for (Map.Entry<SetOverride, YamlNode.Mapping> entry : blocks.entrySet()) {
            if (matches.test(entry.getKey().target())) {
                matched.add(entry.getKey().target());
                out = Layers.merge(out, retarget(entry.getValue(), block.path()), Schema.SETTINGS);
            }
        }
        return out;
    }

    /** Keeps the merged block's own path (Layers.merge takes the path of the block on top). */
    private static YamlNode.Mapping retarget(YamlNode.Mapping override, String path) {
        return new YamlNode.Mapping(path, override.location(), override.entries());
    }

    /** {@code kaniko.build-args.X=Y} as {@code {kaniko: {build-args: {X: Y}}}}, walking the schema for map and list keys. */
    private YamlNode.Mapping block(SetOverride override) {
        List<String> parts = Arrays.asList(override.key().split("\\.", -1));
        String root = override.target();
        YamlNode value = null;
        Schema schema = Schema.SETTINGS;
        int depth = 0;
        String path = root;
        for (; depth < parts.size(); depth++) {
            String name = parts.get(depth);
            path = YamlNode.child(path, name);
            Schema.Key key = schema == null ? null : schema.key(name).orElse(null);
            if (key == null || key.kind() == Schema.Kind.SCALAR) {
                if (depth == parts.size() - 1 || key == null) {
                    // An unknown key is left for Layers.check to name with its nearest known one.
                    value = scalar(path, override.value());
                    break;
                }
                problems.error(new Problem("--set", override.written(), 0, 0, "\"" + name + "\" is a single value: it has no \""
                        + String.join(".", parts.subList(depth + 1, parts.size())) + "\""));
                return null;
            }
            if (key.kind() == Schema.Kind.STRING_MAP) {
                String mapKey = String.join(".", parts.subList(depth + 1, parts.size()));
                if (mapKey.isEmpty()) {
                    problems.error(new Problem("--set", override.written(), 0, 0, "name the entry of \"" + name
                            + "\" to set, e.g. " + override.target() + "." + override.key() + ".NAME=VALUE"));
                    return null;
                }
                value = new YamlNode.Mapping(path, WHERE, Map.of(mapKey, scalar(YamlNode.child(path, mapKey), override.value())));
                break;
            }
            if (key.kind() == Schema.Kind.SCALAR_LIST && depth == parts.size() - 1) {
                List<YamlNode> items = new ArrayList<>();
                for (String item : override.value().split(",")) {
                    items.add(scalar(YamlNode.index(path, items.size()), item.strip()));
                }
                value = new YamlNode.Sequence(path, WHERE, items);
                break;
            }
            if (key.kind() != Schema.Kind.OBJECT) {
                problems.error(new Problem("--set", override.written(), 0, 0, "\"" + name
                        + "\" cannot be set with --set (a list of entries): set it in the file"));
                return null;
            }
            if (depth == parts.size() - 1) {
                problems.error(new Problem("--set", override.written(), 0, 0, "\"" + name
                        + "\" is a map: set one of its keys, e.g. " + override.written() + "." + key.fields().paths().getFirst()
                        + "=..."));
                return null;
            }
            schema = key.fields();
        }
        for (int i = depth; i >= 0; i--) {
            String parent = String.join(".", parts.subList(0, i));
            value = new YamlNode.Mapping(parent.isEmpty() ? root : root + "." + parent, WHERE, Map.of(parts.get(i), value));
        }
        return (YamlNode.Mapping) value;
    }

    private static YamlNode.Scalar scalar(String path, String value) {
        // Quoted: a value is a string as written (an empty one clears an inherited script, as '' does in YAML).
        return new YamlNode.Scalar(path, WHERE, value, false);
    }
}
