package dev.bakery.core.internal.spec;

import dev.bakery.core.internal.yaml.YamlNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks settings blocks against the {@link Schema} and merges a specific block over a general one
 * (bake over global, compose over config): maps merge with the specific block winning per key,
 * objects merge key by key, scalars and lists are replaced. Working on nodes keeps every value's
 * own file, key path and line, so an error in an inherited value points at where it was written.
 */
public final class Layers {

    private Layers() {
    }

    /** Reports unknown keys (with the nearest known key) and values of the wrong shape. */
    public static void check(YamlNode.Mapping block, Schema schema, Problems problems) {
        block.entries().forEach((name, value) -> {
            Optional<Schema.Key> key = schema.key(name);
            if (key.isEmpty()) {
                String hint = schema.suggest(name).map(s -> ": did you mean \"" + s + "\"?").orElse("");
                problems.keyError(block, name, "unknown key \"" + name + "\"" + hint);
                return;
            }
            checkShape(value, key.get(), problems);
        });
    }

    private static void checkShape(YamlNode value, Schema.Key key, Problems problems) {
        if (YamlNode.isUnset(value)) {
            return;
        }
        switch (key.kind()) {
            case SCALAR -> expect(value, YamlNode.Scalar.class, "a single value", problems);
            case STRING_MAP -> {
                if (expect(value, YamlNode.Mapping.class, "a map of names to values", problems)) {
                    ((YamlNode.Mapping) value).entries().values()
                            .forEach(v -> expect(v, YamlNode.Scalar.class, "a single value", problems));
                }
            }
            case SCALAR_LIST -> {
                if (expect(value, YamlNode.Sequence.class, "a list", problems)) {
                    ((YamlNode.Sequence) value).items()
                            .forEach(v -> expect(v, YamlNode.Scalar.class, "a single value", problems));
                }
            }
            case OBJECT_LIST -> {
                if (expect(value, YamlNode.Sequence.class, "a list", problems)) {
                    for (YamlNode item : ((YamlNode.Sequence) value).items()) {
                        if (expect(item, YamlNode.Mapping.class, "a map", problems)) {
                            check((YamlNode.Mapping) item, key.fields(), problems);
                        }
                    }
                }
            }
            case OBJECT -> {
                if (expect(value, YamlNode.Mapping.class, "a map", problems)) {
                    check((YamlNode.Mapping) value, key.fields(), problems);
                }
            }
        }
    }

    private static boolean expect(YamlNode node, Class<? extends YamlNode> type, String what, Problems problems) {
        if (type.isInstance(node)) {
            return true;
        }
        problems.error(node, "expected " + what + ", found " + node.kind());
        return false;
    }

    /** {@code over} on top of {@code base}; both already {@link #check checked}. */
    public static YamlNode.Mapping merge(YamlNode.Mapping base, YamlNode.Mapping over, Schema schema) {
        Map<String, YamlNode> entries = new LinkedHashMap<>(base.entries());
        over.entries().forEach((name, value) -> {
            YamlNode inherited = entries.get(name);
            Schema.Kind kind = schema.key(name).map(Schema.Key::kind).orElse(Schema.Kind.SCALAR);
            if (YamlNode.isUnset(value) || isEmptyList(value, kind)) {
                entries.putIfAbsent(name, value);
                return;
            }
            if (!YamlNode.isUnset(inherited) && inherited instanceof YamlNode.Mapping general
                    && value instanceof YamlNode.Mapping specific) {
                if (kind == Schema.Kind.STRING_MAP) {
                    Map<String, YamlNode> union = new LinkedHashMap<>(general.entries());
                    union.putAll(specific.entries());
                    entries.put(name, new YamlNode.Mapping(specific.path(), specific.location(), union));
                    return;
                }
                if (kind == Schema.Kind.OBJECT) {
                    entries.put(name, merge(general, specific, schema.key(name).orElseThrow().fields()));
                    return;
                }
            }
            entries.put(name, value);
        });
        return new YamlNode.Mapping(over.path(), over.location(), entries);
    }

    private static boolean isEmptyList(YamlNode value, Schema.Kind kind) {
        return (kind == Schema.Kind.SCALAR_LIST || kind == Schema.Kind.OBJECT_LIST)
                && value instanceof YamlNode.Sequence seq && seq.items().isEmpty();
    }
}
